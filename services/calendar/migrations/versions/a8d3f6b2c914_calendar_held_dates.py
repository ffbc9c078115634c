"""calendar: the history of public dates that have taken place (or were cancelled), kept for the
figures after the public index has forgotten them, and how far it reaches

Revision ID: a8d3f6b2c914
Revises: f1a2b3c4d5e6
Create Date: 2026-12-12 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'a8d3f6b2c914'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # empty: the first run of calendar.record_dates starts the history at the index's oldest day
    op.create_table(
        'held_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offering_id', sa.Integer(), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=300), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('district', sa.String(length=40), nullable=False),
        sa.Column('categories', sa.String(length=200), nullable=False),
        sa.Column('audiences', sa.String(length=200), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('key', sa.String(length=20), nullable=False),
        sa.Column('cancelled', sa.Boolean(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('held_dates', schema=None) as batch_op:
        batch_op.create_index('ix_held_dates_start', ['starts_at'], unique=False)
        batch_op.create_index('uq_held_dates_date', ['offering_id', 'key', 'starts_at'], unique=True)
    op.create_table(
        'held_dates_mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=False),
        sa.Column('until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('held_dates_mark')
    with op.batch_alter_table('held_dates', schema=None) as batch_op:
        batch_op.drop_index('uq_held_dates_date')
        batch_op.drop_index('ix_held_dates_start')
    op.drop_table('held_dates')
