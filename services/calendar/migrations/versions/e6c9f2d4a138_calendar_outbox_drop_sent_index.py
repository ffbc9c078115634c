"""calendar: drop the outbox's sent_at index (no query uses it)

Revision ID: e6c9f2d4a138
Revises: d5b8e1c3a927
Create Date: 2026-11-26 04:25:00
"""
from alembic import op

from shared import outbox_schema

revision = 'e6c9f2d4a138'
down_revision = 'd5b8e1c3a927'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.drop_sent_index_v3(op)


def downgrade() -> None:
    outbox_schema.restore_sent_index_v3(op)
