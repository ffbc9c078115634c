"""rooms: outbox and inbox

Revision ID: 553fdde92d57
Revises: 
Create Date: 2026-11-25 21:51:03.025011
"""
from alembic import op

from shared import outbox_schema

revision = '553fdde92d57'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.create_v1(op)


def downgrade() -> None:
    outbox_schema.drop_v1(op)
