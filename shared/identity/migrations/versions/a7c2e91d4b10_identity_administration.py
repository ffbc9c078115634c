"""identity: administration by the office: partners deactivated and with a logo, accounts'
last login, the audit log

Revision ID: a7c2e91d4b10
Revises: c4e2a9d17b60
Create Date: 2026-12-08 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c2e91d4b10'
down_revision = 'c4e2a9d17b60'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('logo_digest', sa.String(length=64), server_default='', nullable=False))

    # unknown for logins before this revision: the list shows "noch nie" only for accounts without a password
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('partner_logos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('digest')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_partner_id'), ['partner_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_partner_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_account_id'))
    op.drop_table('audit_log')
    op.drop_table('partner_logos')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('logo_digest')
        batch_op.drop_column('active')
