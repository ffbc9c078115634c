"""rooms: what a booking is for (bookings.description), the owner's word on one date
(occurrences.comment) and why a date was cancelled (occurrences.cancel_reason)

Issue 11: owners see what a booking is for, decide a series date by date with a comment each,
and a cancellation carries its reason into the messages. Existing rows get empty texts.

Revision ID: a3c9e7d1f524
Revises: e5a7c3f1d920
Create Date: 2026-12-05 09:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'a3c9e7d1f524'
down_revision = 'e5a7c3f1d920'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bookings", sa.Column("description", sa.Text(), nullable=False, server_default=""))
    op.add_column("occurrences", sa.Column("comment", sa.Text(), nullable=False, server_default=""))
    op.add_column("occurrences", sa.Column("cancel_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("occurrences") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("comment")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("description")
