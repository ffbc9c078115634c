"""calendar: the outbox keeps the request id each message was queued under

Revision ID: b7f2d1b6c750
Revises: a8d3f6b2c914
Create Date: 2026-12-05 18:00:00
"""
from alembic import op

from shared import outbox_schema

revision = 'b7f2d1b6c750'
down_revision = 'a8d3f6b2c914'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.add_request_id_v4(op)


def downgrade() -> None:
    outbox_schema.drop_request_id_v4(op)
