"""rooms: outbox receipts (rows stay open until the receiver confirms them)

Revision ID: b4d2f1c8e302
Revises: f31e23a15cfe
Create Date: 2026-11-26 01:40:00
"""
from alembic import op

from shared import outbox_schema

revision = 'b4d2f1c8e302'
down_revision = 'f31e23a15cfe'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.add_receipts_v2(op)


def downgrade() -> None:
    outbox_schema.drop_receipts_v2(op)
