"""calendar: people invited to events (RFC 6638 implicit scheduling, sent by iMIP through notify)

Revision ID: f4b8c2d6e913
Revises: e3f7a1c9b420
Create Date: 2026-12-05 22:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f4b8c2d6e913'
down_revision = 'e3f7a1c9b420'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'invited_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=300), nullable=False),
        sa.Column('object_name', sa.String(length=300), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('dropped', sa.Text(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('summary', sa.String(length=200), nullable=False),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'uq_invited_people_event_person', 'invited_people', ['calendar_id', 'uid', 'address'], unique=True
    )
    op.create_index('ix_invited_people_object', 'invited_people', ['calendar_id', 'object_name'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_invited_people_object', table_name='invited_people')
    op.drop_index('uq_invited_people_event_person', table_name='invited_people')
    op.drop_table('invited_people')
