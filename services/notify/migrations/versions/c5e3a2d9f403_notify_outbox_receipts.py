"""notify: outbox receipts (rows stay open until the receiver confirms them)

Revision ID: c5e3a2d9f403
Revises: 7f773ee4c019
Create Date: 2026-11-26 01:40:00
"""
from alembic import op

from shared import outbox_schema

revision = 'c5e3a2d9f403'
down_revision = '7f773ee4c019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.add_receipts_v2(op)


def downgrade() -> None:
    outbox_schema.drop_receipts_v2(op)
