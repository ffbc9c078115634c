"""identity: an account's data export or erasure (DSGVO): data_requests and data_parts

Revision ID: d1e5f8a2b647
Revises: a7c2e91d4b10
Create Date: 2026-12-10 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd1e5f8a2b647'
down_revision = 'a7c2e91d4b10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('data_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('asked_by', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('waiting', sa.String(length=100), nullable=False),
    sa.Column('missing', sa.String(length=100), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_requests_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_requests_done_at'), ['done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_requests_expires_at'), ['expires_at'], unique=False)
    op.create_table('data_parts',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['data_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'service')
    )


def downgrade() -> None:
    op.drop_table('data_parts')
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_requests_expires_at'))
        batch_op.drop_index(batch_op.f('ix_data_requests_done_at'))
        batch_op.drop_index(batch_op.f('ix_data_requests_account_id'))
    op.drop_table('data_requests')
