"""identity: the outbox keeps the request id each message was queued under

Revision ID: 44c7617ff7d9
Revises: d5b8e3f27a91
Create Date: 2026-12-05 18:00:00
"""
from alembic import op

from shared import outbox_schema

revision = '44c7617ff7d9'
down_revision = 'd5b8e3f27a91'
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox_schema.add_request_id_v4(op)


def downgrade() -> None:
    outbox_schema.drop_request_id_v4(op)
