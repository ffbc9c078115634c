"""calendar: the words for an offering's picture (X-TREFFPUNKT-IMAGE-ALT) in the public index

Revision ID: f1a2b3c4d5e6
Revises: c4d7a2e9f150
Create Date: 2026-12-05 15:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f1a2b3c4d5e6'
down_revision = 'c4d7a2e9f150'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # no event written before has the property: empty is what reindexing would give
    with op.batch_alter_table('public_offerings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_alt', sa.String(length=300), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('public_offerings', schema=None) as batch_op:
        batch_op.drop_column('image_alt')
