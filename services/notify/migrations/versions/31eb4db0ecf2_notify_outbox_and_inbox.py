"""notify: outbox and inbox

Revision ID: 31eb4db0ecf2
Revises: 
Create Date: 2026-11-25 21:51:03.951302
"""
from alembic import op

from shared import outbox_schema

revision = '31eb4db0ecf2'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.create_v1(op)


def downgrade() -> None:
    outbox_schema.drop_v1(op)
