"""rooms: invitation_sequences — the newest invitation seen per event and room, booked or not,
so that an older one redelivered after a refused newer one changes nothing

Revision ID: a7c1e5d3b982
Revises: f4a8c2e6b913
Create Date: 2026-12-05 21:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c1e5d3b982"
down_revision = "f4a8c2e6b913"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitation_sequences",
        sa.Column("uid", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.Integer(), sa.ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("invitation_sequences")
