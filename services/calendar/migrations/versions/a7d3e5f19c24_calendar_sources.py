"""calendar: sources (partners' calendars kept elsewhere, pulled as ICS or CalDAV) and read-only calendars

Revision ID: a7d3e5f19c24
Revises: f4b8c2d6e913
Create Date: 2026-12-05 23:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'a7d3e5f19c24'
down_revision = 'f4b8c2d6e913'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('calendars', sa.Column('read_only', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    op.create_table(
        'calendar_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('username', sa.String(length=200), nullable=False),
        sa.Column('sealed_password', sa.Text(), nullable=False),
        sa.Column('categories', sa.String(length=500), nullable=False),
        sa.Column('audiences', sa.String(length=500), nullable=False),
        sa.Column('district', sa.String(length=60), nullable=False),
        sa.Column('accessibility', sa.String(length=500), nullable=False),
        sa.Column('all_public', sa.Boolean(), nullable=False),
        sa.Column('interval_minutes', sa.Integer(), nullable=False),
        sa.Column('feed_minutes', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('reason_template', sa.Text(), server_default='', nullable=False),
        sa.Column('reason_params', sa.Text(), server_default='{}', nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('etag', sa.String(length=300), nullable=False),
        sa.Column('last_modified', sa.String(length=100), nullable=False),
        sa.Column('content_hash', sa.String(length=64), server_default='', nullable=False),
        sa.Column('sync_token', sa.Text(), nullable=False),
        sa.Column('remote_items', sa.Text(), nullable=False),
        sa.Column('next_pull_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_pull_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('calendar_id'),
    )
    op.create_index('ix_calendar_sources_partner_id', 'calendar_sources', ['partner_id'])
    op.create_index('ix_calendar_sources_next_pull_at', 'calendar_sources', ['next_pull_at'])


def downgrade() -> None:
    op.drop_index('ix_calendar_sources_next_pull_at', table_name='calendar_sources')
    op.drop_index('ix_calendar_sources_partner_id', table_name='calendar_sources')
    op.drop_table('calendar_sources')
    with op.batch_alter_table('calendars') as batch:
        batch.drop_column('read_only')
