"""notify: drop the outbox's sent_at index (no query uses it)

Revision ID: f7a1c3e6b25a
Revises: c5e3a2d9f403
Create Date: 2026-11-26 04:25:00
"""
from alembic import op

from shared import outbox_schema

revision = 'f7a1c3e6b25a'
down_revision = 'c5e3a2d9f403'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.drop_sent_index_v3(op)


def downgrade() -> None:
    outbox_schema.restore_sent_index_v3(op)
