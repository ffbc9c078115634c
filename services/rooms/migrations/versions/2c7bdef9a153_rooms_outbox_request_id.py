"""rooms: the outbox keeps the request id each message was queued under

Revision ID: 2c7bdef9a153
Revises: b7d4e1a9c302
Create Date: 2026-12-05 18:00:00
"""
from alembic import op

from shared import outbox_schema

revision = '2c7bdef9a153'
down_revision = 'b7d4e1a9c302'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.add_request_id_v4(op)


def downgrade() -> None:
    outbox_schema.drop_request_id_v4(op)
