"""calendar: rooms invited to events (RFC 6638 implicit scheduling) and the schedule inbox

Revision ID: e3f7a1c9b420
Revises: d2e8a5c7b391
Create Date: 2026-12-05 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e3f7a1c9b420'
down_revision = 'd2e8a5c7b391'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'room_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('calendar_id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=300), nullable=False),
        sa.Column('object_name', sa.String(length=300), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('invitation_uid', sa.String(length=255), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('keys', sa.Text(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('answered_sequence', sa.Integer(), nullable=False),
        sa.Column('booking_sequence', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=60), nullable=False),
        sa.Column('partstats', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_room_invitations_event_room', 'room_invitations', ['calendar_id', 'uid', 'room_id'], unique=True)
    op.create_index('uq_room_invitations_invitation', 'room_invitations', ['invitation_uid', 'room_id'], unique=True)
    op.create_index('ix_room_invitations_object', 'room_invitations', ['calendar_id', 'object_name'], unique=False)
    op.create_table(
        'schedule_inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('ics', sa.Text(), nullable=False),
        sa.Column('etag', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('uq_schedule_inbox_name', 'schedule_inbox', ['account_id', 'name'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_schedule_inbox_name', table_name='schedule_inbox')
    op.drop_table('schedule_inbox')
    op.drop_index('ix_room_invitations_object', table_name='room_invitations')
    op.drop_index('uq_room_invitations_invitation', table_name='room_invitations')
    op.drop_index('uq_room_invitations_event_room', table_name='room_invitations')
    op.drop_table('room_invitations')
