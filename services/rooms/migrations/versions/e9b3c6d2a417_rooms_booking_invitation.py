"""rooms: a booking made for an invitation of the room to an event (bookings.invitation_*)

A room invited as an ATTENDEE (rooms.book_for_invitation, RFC 6638 implicit scheduling, or an
iMIP email) is booked; the booking is found again by (invitation_uid, room_id) when the event
changes, an older invitation (a lower sequence) is ignored, and every later change of the
booking answers again from the dates kept here (their keys), by the way it came (caldav or
imip: then to the organizer, with the event's own SEQUENCE).

Revision ID: e9b3c6d2a417
Revises: 2c7bdef9a153
Create Date: 2026-12-05 21:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'e9b3c6d2a417'
down_revision = '2c7bdef9a153'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("invitation_uid", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("invitation_sequence", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("invitation_dates", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("invitation_via", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("invitation_organizer", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("invitation_event_sequence", sa.Integer(), nullable=True))
        batch.create_index("ix_bookings_invitation_uid", ["invitation_uid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_index("ix_bookings_invitation_uid")
        for column in (
            "invitation_event_sequence",
            "invitation_organizer",
            "invitation_via",
            "invitation_dates",
            "invitation_sequence",
            "invitation_uid",
        ):
            batch.drop_column(column)
