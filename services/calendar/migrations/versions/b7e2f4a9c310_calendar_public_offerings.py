"""calendar: the public pages' index of offerings and their dates, with full-text search; the
rooms offerings asked for, and their pictures

Revision ID: b7e2f4a9c310
Revises: e6c9f2d4a138
Create Date: 2026-12-05 12:30:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision = 'b7e2f4a9c310'
down_revision = 'e6c9f2d4a138'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # objects stored before stay NULL here: the refresh task (calendar.refresh_public) indexes them
    with op.batch_alter_table('calendar_objects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden', sa.Boolean(), server_default=sa.text('false'), nullable=False))
        batch_op.create_index(batch_op.f('ix_calendar_objects_public_until'), ['public_until'], unique=False)
    op.create_table(
        'public_offerings',
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('uid', sa.String(length=300), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('location', sa.String(length=300), nullable=False),
        sa.Column('district', sa.String(length=40), nullable=False),
        sa.Column('categories', sa.String(length=200), nullable=False),
        sa.Column('audiences', sa.String(length=200), nullable=False),
        sa.Column('accessibility', sa.String(length=200), nullable=False),
        sa.Column('cost', sa.String(length=200), nullable=False),
        sa.Column('free', sa.Boolean(), nullable=False),
        sa.Column('easy_language', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('image', sa.String(length=500), nullable=False),
        sa.Column('color', sa.String(length=40), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('recurring', sa.Boolean(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('search', TSVECTOR().with_variant(sa.Text(), 'sqlite'), nullable=True),
        sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['object_id'], ['calendar_objects.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('object_id'),
    )
    with op.batch_alter_table('public_offerings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_offerings_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_offerings_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_public_offerings_search', ['search'], unique=False, postgresql_using='gin')
        batch_op.create_index(batch_op.f('ix_public_offerings_changed_at'), ['changed_at'], unique=False)
    op.create_table(
        'public_dates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offering_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('all_day', sa.Boolean(), nullable=False),
        sa.Column('cancelled', sa.Boolean(), nullable=False),
        sa.Column('moved', sa.Boolean(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('key', sa.String(length=20), nullable=False),
        sa.Column('local_minute', sa.SmallInteger(), nullable=False),
        sa.Column('spanning', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['offering_id'], ['public_offerings.object_id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('public_dates', schema=None) as batch_op:
        batch_op.create_index('ix_public_dates_start', ['starts_at'], unique=False)
        batch_op.create_index('ix_public_dates_offering', ['offering_id', 'starts_at'], unique=False)
        batch_op.create_index(
            'ix_public_dates_spanning',
            ['starts_at'],
            unique=False,
            postgresql_where=sa.text('spanning'),
            sqlite_where=sa.text('spanning'),
        )
    op.create_table(
        'offering_rooms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('offering_uid', sa.String(length=300), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('booking_status', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=60), nullable=False),
        sa.Column('taken', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('offering_uid'),
    )
    with op.batch_alter_table('offering_rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offering_rooms_calendar_id'), ['calendar_id'], unique=False)
    op.create_table(
        'offering_images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('digest'),
    )
    if op.get_bind().dialect.name == 'sqlite':
        # make run: SQLite's full-text index, its rowid the offering's object_id
        op.execute("CREATE VIRTUAL TABLE public_offering_search USING fts5(text, tokenize='unicode61 remove_diacritics 2')")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE public_offering_search")
    op.drop_table('offering_images')
    op.drop_table('offering_rooms')
    op.drop_table('public_dates')
    op.drop_table('public_offerings')
    with op.batch_alter_table('calendar_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_objects_public_until'))
        batch_op.drop_column('hidden')
        batch_op.drop_column('public_until')
