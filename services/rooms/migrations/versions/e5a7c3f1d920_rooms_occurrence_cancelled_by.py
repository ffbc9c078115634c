"""rooms: who cancelled a date (occurrences.cancelled_by)

A date the room's owner cancelled must not be put back by the booker (issue 9, finding 3): the
side that cancelled is kept with the date. Dates cancelled before this revision have NULL and
count as cancelled by the booker, the only side that could put them back before.

Revision ID: e5a7c3f1d920
Revises: d8f2b0e5c349
Create Date: 2026-12-05 03:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5a7c3f1d920'
down_revision = 'd8f2b0e5c349'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("occurrences", sa.Column("cancelled_by", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_column("cancelled_by")
