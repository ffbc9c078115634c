"""calendar: the network on the fediverse (ActivityPub actors, followers, events, deliveries)

Revision ID: 2586ce749097
Revises: a7d3e5f19c24
Create Date: 2026-12-05 23:44:26.787666
"""
import sqlalchemy as sa
from alembic import op

revision = '2586ce749097'
down_revision = 'a7d3e5f19c24'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fediverse_actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('private_key_sealed', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name'),
    sa.UniqueConstraint('partner_id')
    )
    op.create_table('fediverse_keys',
    sa.Column('key_id', sa.String(length=500), nullable=False),
    sa.Column('owner', sa.String(length=500), nullable=False),
    sa.Column('public_key_pem', sa.Text(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_id')
    )
    op.create_table('fediverse_marks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_offering', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('fediverse_peers',
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('host')
    )
    op.create_table('fediverse_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['fediverse_actors.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('fediverse_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fediverse_activities_actor_id'), ['actor_id'], unique=False)

    op.create_table('fediverse_events',
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['fediverse_actors.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offering_id')
    )
    with op.batch_alter_table('fediverse_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fediverse_events_until'), ['until'], unique=False)

    op.create_table('fediverse_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('follower', sa.String(length=500), nullable=False),
    sa.Column('inbox', sa.String(length=500), nullable=False),
    sa.Column('shared_inbox', sa.String(length=500), nullable=False),
    sa.Column('follow_id', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['fediverse_actors.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fediverse_followers', schema=None) as batch_op:
        batch_op.create_index('ix_fediverse_followers_follower', ['follower'], unique=False)
        batch_op.create_index('uq_fediverse_followers', ['actor_id', 'follower'], unique=True)

    op.create_table('fediverse_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('inbox', sa.String(length=500), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['fediverse_activities.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('fediverse_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_fediverse_deliveries_due', ['state', 'next_at'], unique=False)
        batch_op.create_index('uq_fediverse_deliveries', ['activity_id', 'inbox'], unique=True)


    op.create_table(
        'fediverse_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('actor', sa.String(length=500), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('inbox', sa.String(length=500), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.Column('follow_id', sa.String(length=500), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('approved', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('actor'),
    )
    op.create_table(
        'fediverse_region_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('remote_id', sa.String(length=500), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('object_name', sa.String(length=300), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('approved', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['source_id'], ['fediverse_sources.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('remote_id'),
    )
    op.create_index('ix_fediverse_region_events_source_id', 'fediverse_region_events', ['source_id'])


def downgrade() -> None:
    op.drop_index('ix_fediverse_region_events_source_id', table_name='fediverse_region_events')
    op.drop_table('fediverse_region_events')
    op.drop_table('fediverse_sources')
    with op.batch_alter_table('fediverse_deliveries', schema=None) as batch_op:
        batch_op.drop_index('uq_fediverse_deliveries')
        batch_op.drop_index('ix_fediverse_deliveries_due')

    op.drop_table('fediverse_deliveries')
    with op.batch_alter_table('fediverse_followers', schema=None) as batch_op:
        batch_op.drop_index('uq_fediverse_followers')
        batch_op.drop_index('ix_fediverse_followers_follower')

    op.drop_table('fediverse_followers')
    with op.batch_alter_table('fediverse_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fediverse_events_until'))

    op.drop_table('fediverse_events')
    with op.batch_alter_table('fediverse_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fediverse_activities_actor_id'))

    op.drop_table('fediverse_activities')
    op.drop_table('fediverse_peers')
    op.drop_table('fediverse_marks')
    op.drop_table('fediverse_keys')
    op.drop_table('fediverse_actors')
