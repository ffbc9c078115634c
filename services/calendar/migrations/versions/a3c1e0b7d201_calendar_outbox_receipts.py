"""calendar: outbox receipts (rows stay open until the receiver confirms them)

Revision ID: a3c1e0b7d201
Revises: 81fe3e5a74d4
Create Date: 2026-11-26 01:40:00
"""
from alembic import op

from shared import outbox_schema

revision = 'a3c1e0b7d201'
down_revision = '81fe3e5a74d4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.add_receipts_v2(op)


def downgrade() -> None:
    outbox_schema.drop_receipts_v2(op)
