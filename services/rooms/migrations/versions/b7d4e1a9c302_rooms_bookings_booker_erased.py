"""rooms: a booking whose booker's account was erased (bookings.booker_erased)

The booking stays (the room's history stays true) and is shown as "ehemaliges Konto".

Revision ID: b7d4e1a9c302
Revises: c5e8a2d7f104
Create Date: 2026-12-10 10:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d4e1a9c302'
down_revision = 'c5e8a2d7f104'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "bookings", sa.Column("booker_erased", sa.Boolean(), nullable=False, server_default=sa.text("false"))
    )


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("booker_erased")
