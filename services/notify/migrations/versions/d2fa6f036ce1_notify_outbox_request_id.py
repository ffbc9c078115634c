"""notify: the outbox keeps the request id each message was queued under

Revision ID: d2fa6f036ce1
Revises: a4d9e2b7c610
Create Date: 2026-12-05 18:00:00
"""
from alembic import op

from shared import outbox_schema

revision = 'd2fa6f036ce1'
down_revision = 'a4d9e2b7c610'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.add_request_id_v4(op)


def downgrade() -> None:
    outbox_schema.drop_request_id_v4(op)
