"""rooms: a booking made for a calendar offering (bookings.offering_uid, offering_sequence)

The calendar asks for a room for an offering's dates (rooms.book_for_offering); the booking it
gets is found again by the offering's UID when the wish changes, and an older wish (a lower
sequence) arriving late is ignored.

Revision ID: b4d8e2f6a713
Revises: a3c9e7d1f524
Create Date: 2026-12-05 13:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'b4d8e2f6a713'
down_revision = 'a3c9e7d1f524'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("offering_uid", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("offering_sequence", sa.Integer(), nullable=True))
        batch.create_index("ix_bookings_offering_uid", ["offering_uid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_index("ix_bookings_offering_uid")
        batch.drop_column("offering_sequence")
        batch.drop_column("offering_uid")
