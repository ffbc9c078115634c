"""rooms: drop the outbox's sent_at index (no query uses it)

Revision ID: d8f2b0e5c349
Revises: c7e1a9d4b2f0
Create Date: 2026-11-26 04:25:00
"""
from alembic import op

from shared import outbox_schema

revision = 'd8f2b0e5c349'
down_revision = 'c7e1a9d4b2f0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.drop_sent_index_v3(op)


def downgrade() -> None:
    outbox_schema.restore_sent_index_v3(op)
