"""calendar: who asked for an offering's room last, and the last day asked for of an offering
that goes on after it (calendar.renew_rooms asks again before that day)

Revision ID: c4d7a2e9f150
Revises: b7e2f4a9c310
Create Date: 2026-12-09 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c4d7a2e9f150'
down_revision = 'b7e2f4a9c310'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # rows from before stay NULL: their room is asked for again when the offering is saved
    with op.batch_alter_table('offering_rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('booked_until', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_offering_rooms_booked_until'), ['booked_until'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('offering_rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offering_rooms_booked_until'))
        batch_op.drop_column('booked_until')
        batch_op.drop_column('account_id')
