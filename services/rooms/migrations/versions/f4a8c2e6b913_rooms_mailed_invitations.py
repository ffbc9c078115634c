"""rooms: mailed_invitations — the last invitation by email (iMIP) per event and room: its
SEQUENCE/DTSTAMP (older mails are ignored), a local counter, the whole invitation as text

Issue 15 (rooms by email). Another revision of the same issue may sit beside this one; the
merge re-points down_revision.

Revision ID: f4a8c2e6b913
Revises: e9b3c6d2a417
Create Date: 2026-12-05 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f4a8c2e6b913"
down_revision = "e9b3c6d2a417"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailed_invitations",
        sa.Column("uid", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.Integer(), sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("organizer", sa.String(254), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("stamps", sa.JSON(), nullable=False),
        sa.Column("calendar", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_mailed_invitations_account_id", "mailed_invitations", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_mailed_invitations_account_id", table_name="mailed_invitations")
    op.drop_table("mailed_invitations")
