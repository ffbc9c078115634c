"""Tables of the rooms service (its own database only).

Occurrences are rows (one per date a booking holds the room); on PostgreSQL an exclusion
constraint over them (see the migration) makes double booking impossible even when two
requests pass the Python check at the same moment.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.clock import utcnow
from shared.db import as_utc
from shared.outbox import InboxMixin, OutboxMixin

UID_DOMAIN = "treffpunkt-jena.de"


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on PostgreSQL and on SQLite (which keeps no
    offset: there we store naive UTC so that text comparison orders correctly)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; times must be timezone-aware")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return as_utc(value)


class Base(DeclarativeBase):
    pass


class Room(Base):
    __tablename__ = "rooms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)  # identity's partner id
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    equipment: Mapped[list[str]] = mapped_column(JSON, default=list)
    equipment_other: Mapped[str] = mapped_column(String(300), default="")  # what the fixed list lacks
    floor: Mapped[str] = mapped_column(String(60), default="")  # "Erdgeschoss", "2. OG"
    # accessibility facts (domain.ACCESS): what a person in a wheelchair or hard of hearing asks first
    step_free: Mapped[bool] = mapped_column(Boolean, default=False)
    lift: Mapped[bool] = mapped_column(Boolean, default=False)
    accessible_toilet: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    house_rules: Mapped[str] = mapped_column(Text, default="")  # Hausordnung, plain text
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: retired, no new bookings
    revision: Mapped[int] = mapped_column(Integer, default=0)  # grows with every change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    photos: Mapped[list[RoomPhoto]] = relationship(order_by="RoomPhoto.position", cascade="all, delete-orphan")


class RoomImage(Base):
    """A picture's bytes (shared/images.py made them: JPEG, no metadata), kept once per content
    and served at /rooms/photos/<digest>.jpg, so its address never needs to change."""

    __tablename__ = "room_images"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoomPhoto(Base):
    """One photo of a room in its place (position 0 first), with the words a screen reader says."""

    __tablename__ = "room_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    digest: Mapped[str] = mapped_column(ForeignKey("room_images.digest"))
    alt: Mapped[str] = mapped_column(String(300))


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("status IN ('requested', 'confirmed', 'declined', 'cancelled')", name="booking_status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # set right after the first flush, then never changed (iTIP needs a stable UID)
    uid: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    booker_account_id: Mapped[int] = mapped_column(Integer, index=True)
    booker_partner_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    recurrence: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # how the series was asked for
    comment: Mapped[str] = mapped_column(Text, default="")  # the owner's word on approval or decline
    description: Mapped[str] = mapped_column(Text, default="")  # what it is for, in the booker's words
    # made for a calendar offering (rooms.book_for_offering): its UID and the wish's sequence
    offering_uid: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    offering_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # made for an invitation of the room to an event (rooms.book_for_invitation, or iMIP mail):
    # found by (invitation_uid, room_id); the invitation's sequence, its dates with their keys
    # ([{key, starts_at, ends_at, reason}], reason: why a date was not booked), how it came
    # ("caldav" | "imip") and, for an iMIP REPLY, the organizer's address and event SEQUENCE
    invitation_uid: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    invitation_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    invitation_dates: Mapped[list | None] = mapped_column(JSON, nullable=True)
    invitation_via: Mapped[str | None] = mapped_column(String(10), nullable=True)
    invitation_organizer: Mapped[str | None] = mapped_column(String(320), nullable=True)
    invitation_event_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the booker's account was erased (DSGVO): shown as "ehemaliges Konto", its free text gone
    booker_erased: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    room: Mapped[Room] = relationship()
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="booking", order_by="Occurrence.starts_at", cascade="all, delete-orphan"
    )

    @staticmethod
    def uid_for(booking_id: int) -> str:
        return f"booking-{booking_id}@{UID_DOMAIN}"

    @property
    def owner_partner_id(self) -> int:
        """The partner whose room it is (the side that approves; domain.permissions)."""
        return self.room.partner_id


OCCURRENCE_STATES = ("valid", "pending", "skipped", "cancelled", "declined")


class Occurrence(Base):
    """One date of a booking. Only "valid" holds the room; "pending" waits for the owner's
    approval, "skipped" was dropped before booking (it can be added back).

    PostgreSQL adds a generated `during` = [starts_at, blocked_until or ends_at) column and the
    exclusion constraint over it in the migration (not mapped here on purpose): storing the
    buffer in the excluded range makes the database guard the buffer too."""

    __tablename__ = "occurrences"
    __table_args__ = (
        CheckConstraint("state IN ('valid', 'pending', 'skipped', 'cancelled', 'declined')", name="occurrence_state"),
        CheckConstraint("ends_at > starts_at", name="occurrence_ordered"),
        Index("ix_occurrences_room_time", "room_id", "starts_at", "ends_at"),
        Index("ix_occurrences_starts_at", "starts_at"),  # the figures of all rooms for a period
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # end plus the room's buffer when booked; NULL (rows written without it) means no buffer
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="valid")
    # the side that cancelled it (domain.permissions: booker, owner, coordination); only that side
    # or the coordination office may put it back; NULL for dates never cancelled or cancelled before
    cancelled_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")  # the owner's word on this date when deciding
    cancel_reason: Mapped[str] = mapped_column(Text, default="")  # why it was cancelled ("fällt aus wegen …")
    booking: Mapped[Booking] = relationship(back_populates="occurrences")


class RoomRulesRow(Base):
    """The owner's rules for one room (a room without a row has the defaults)."""

    __tablename__ = "room_rules"
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    opening: Mapped[dict] = mapped_column(JSON, default=dict)  # {"mo": ["08:00", "20:00"], ...}
    min_minutes: Mapped[int] = mapped_column(Integer, default=0)
    max_minutes: Mapped[int] = mapped_column(Integer, default=14 * 60)
    max_days_ahead: Mapped[int] = mapped_column(Integer, default=2 * 366)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ClosureRow(Base):
    """Closed days (holidays, renovation) of one room, or of all rooms of a partner (room_id NULL)."""

    __tablename__ = "closures"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="closure_ordered"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), nullable=True, index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")


class AuditEntry(Base):
    """Who did what, when: one row per change, written in the change's own transaction."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    partner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    room_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    booking_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class MailedInvitation(Base):
    """The last invitation by email (iMIP) known for one event and one room (services/rooms/
    mailin): what orders the next one (the SEQUENCE and DTSTAMP seen, for the whole event and
    per occurrence sent on its own), the local counter handed to the booking as its sequence,
    and the whole invitation as text, into which a later mail about one occurrence is merged."""

    __tablename__ = "mailed_invitations"
    uid: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)  # the organizer's account
    organizer: Mapped[str] = mapped_column(String(254))
    counter: Mapped[int] = mapped_column(Integer, default=0)
    stamps: Mapped[dict] = mapped_column(JSON, default=dict)  # key ("" whole) -> [SEQUENCE, DTSTAMP iso]
    calendar: Mapped[str] = mapped_column(Text, default="")  # "" once cancelled as a whole
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InvitationSequence(Base):
    """The newest invitation (rooms.book_for_invitation) seen for one event and one room,
    whether it booked or was refused: an older one arriving later (redelivered out of order)
    is stale even when no booking holds a sequence to compare with."""

    __tablename__ = "invitation_sequences"
    uid: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer)


class OutboxMessage(OutboxMixin, Base):
    """Messages this service sends, written in the same commit as the change that causes them."""

    service = "rooms"


class ProcessedMessage(InboxMixin, Base):
    """Messages this service has acted on, so that a redelivery changes nothing."""
