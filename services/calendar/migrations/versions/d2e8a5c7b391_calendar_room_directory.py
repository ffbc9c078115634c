"""calendar: the room directory (capacity, district, offered, rules) behind the rooms' CalDAV principals

Revision ID: d2e8a5c7b391
Revises: c9e4a7d2b318
Create Date: 2026-12-05 19:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd2e8a5c7b391'
down_revision = 'c9e4a7d2b318'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # filled by the next calendar.room_changed of each room; until then its principal shows
    # the calendar's name without capacity or district
    op.create_table(
        'room_directory',
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('district', sa.String(length=60), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('buffer_minutes', sa.Integer(), nullable=False),
        sa.Column('opening', sa.Text(), nullable=False),
        sa.Column('closures', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('room_id'),
    )


def downgrade() -> None:
    op.drop_table('room_directory')
