"""Tables of the calendar service (its own database only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.outbox import InboxMixin, OutboxMixin


class Base(DeclarativeBase):
    pass


class OutboxMessage(OutboxMixin, Base):
    """Messages this service sends, written in the same commit as the change that causes them."""

    service = "calendar"


class ProcessedMessage(InboxMixin, Base):
    """Messages this service has acted on, so that a redelivery changes nothing."""


class Calendar(Base):
    """A partner's calendar (read-write for its staff) or a room's calendar (read-only, fed by
    booking messages). `revision` grows with every change inside it: ctag and sync-token."""

    __tablename__ = "calendars"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)  # the URL segment
    kind: Mapped[str] = mapped_column(String(10))  # "partner" | "room"
    owner_partner_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    room_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    room_revision: Mapped[int] = mapped_column(Integer, default=-1)  # last applied room_changed
    displayname: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(9), default="#00507A")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    timezone: Mapped[str | None] = mapped_column(Text, nullable=True)  # CALDAV:calendar-timezone set by a client
    sort_order: Mapped[int | None] = mapped_column(Integer, nullable=True)  # Apple's calendar-order
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalendarObject(Base):
    """One calendar resource (one UID): the iCalendar text exactly as received, plus what is
    indexed from it. Deleted objects stay as tombstones for sync-collection."""

    __tablename__ = "calendar_objects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))  # href segment, e.g. "<uid>.ics"
    uid: Mapped[str] = mapped_column(String(300))
    ics: Mapped[str] = mapped_column(Text, default="")
    etag: Mapped[str] = mapped_column(String(80))
    component: Mapped[str] = mapped_column(String(10), default="VEVENT")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    categories: Mapped[str] = mapped_column(String(500), default="")  # comma-separated
    audience: Mapped[str] = mapped_column(String(200), default="")
    first_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # None: open-ended
    source_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)  # booking SEQUENCE
    # the instances as computed at PUT (domain.timeindex.dumps), so that a new process answers
    # time ranges without parsing every object again; NULL for tombstones and older rows
    time_index: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the public pages' index (PublicOffering) holds this object's dates up to here; NULL: not
    # indexed yet (older rows: the refresh task fills them in)
    public_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    # the coordination office took it off the public pages (kept across edits of the event)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    revision: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index(
            "uq_calendar_objects_live_uid",
            "calendar_id",
            "uid",
            unique=True,
            postgresql_where=text("NOT deleted"),
            sqlite_where=text("NOT deleted"),
        ),
        Index(
            "uq_calendar_objects_live_name",
            "calendar_id",
            "name",
            unique=True,
            postgresql_where=text("NOT deleted"),
            sqlite_where=text("NOT deleted"),
        ),
        Index("ix_calendar_objects_range", "calendar_id", "first_start", "last_end"),
        Index("ix_calendar_objects_sync", "calendar_id", "revision"),
    )


class PublicOffering(Base):
    """A public event of a public calendar as the public pages read it (domain/offering.py),
    kept in step with its object by the store in the same transaction. Its id is the object's,
    so an offering's address stays the same across edits."""

    __tablename__ = "public_offerings"
    object_id: Mapped[int] = mapped_column(ForeignKey("calendar_objects.id", ondelete="CASCADE"), primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    uid: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    district: Mapped[str] = mapped_column(String(40), default="")  # "": the partner's district
    # facets as ",a,b," so that one LIKE '%,a,%' finds a value
    categories: Mapped[str] = mapped_column(String(200), default=",")
    audiences: Mapped[str] = mapped_column(String(200), default=",")
    accessibility: Mapped[str] = mapped_column(String(200), default=",")
    cost: Mapped[str] = mapped_column(String(200), default="")
    free: Mapped[bool] = mapped_column(Boolean, default=False)
    easy_language: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    image: Mapped[str] = mapped_column(String(500), default="")
    image_alt: Mapped[str] = mapped_column(String(300), default="")
    color: Mapped[str] = mapped_column(String(40), default="")
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    room_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)  # CalendarObject.hidden, copied
    # when this entry was written: the pages' and feeds' cache key sees a refresh or a hiding,
    # which change no calendar's revision (SqlStore.state_key)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # PostgreSQL's full-text search (german); SQLite (make run) keeps an FTS5 table instead
    search: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True)

    __table_args__ = (Index("ix_public_offerings_search", "search", postgresql_using="gin"),)


LONGEST_DATE = timedelta(days=2)  # dates longer than this are "spanning" (a festival weekend, a trip)


class PublicDate(Base):
    """One date of a public offering within the indexed window; cancelled ones included."""

    __tablename__ = "public_dates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("public_offerings.object_id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    moved: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(300), default="")
    key: Mapped[str] = mapped_column(String(20), default="")  # the RECURRENCE-ID, "" for a single event
    local_minute: Mapped[int] = mapped_column(SmallInteger, default=0)  # start, minutes after local midnight
    spanning: Mapped[bool] = mapped_column(Boolean, default=False)  # longer than LONGEST_DATE

    __table_args__ = (
        Index("ix_public_dates_start", "starts_at"),
        Index(
            "ix_public_dates_spanning",
            "starts_at",
            postgresql_where=text("spanning"),
            sqlite_where=text("spanning"),
        ),
        Index("ix_public_dates_offering", "offering_id", "starts_at"),
    )


class HeldDate(Base):
    """A public date as it was when it began (or would have, cancelled): the calendar's history
    for its figures, kept when the public index has long forgotten the date. Written once by
    store/sql_held_dates.py and never rewritten: re-indexing, cancelling afterwards or deleting
    the offering leave it as it is. No foreign keys on purpose: the history outlives its offering."""

    __tablename__ = "held_dates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offering_id: Mapped[int] = mapped_column(Integer)  # the object's id (PublicOffering.object_id)
    calendar_id: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(300))
    partner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    district: Mapped[str] = mapped_column(String(40), default="")  # "": the partner's district
    categories: Mapped[str] = mapped_column(String(200), default=",")  # ",a,b," as in PublicOffering
    audiences: Mapped[str] = mapped_column(String(200), default=",")
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key: Mapped[str] = mapped_column(String(20), default="")  # the RECURRENCE-ID, "" for a single event
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # a public calendar's offering the office had not hidden: only these are counted
    public: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        Index("ix_held_dates_start", "starts_at"),
        # the same date is never recorded twice
        Index("uq_held_dates_date", "offering_id", "key", "starts_at", unique=True),
    )


class HeldDatesMark(Base):
    """How far the history reaches (one row): dates that began in [since, until) are recorded in
    HeldDate; a date from `until` on is still read from the public index."""

    __tablename__ = "held_dates_mark"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OfferingRoom(Base):
    """The room an offering asked the rooms service for, and what became of it: the last wish
    sent (sequence), rooms' answer (state, reason, taken dates) and the booking's own status as
    its calendar.booking_changed messages tell it."""

    __tablename__ = "offering_rooms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offering_uid: Mapped[str] = mapped_column(String(300), unique=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="asked")  # asked | booked | released | refused
    booking_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    booking_status: Mapped[str] = mapped_column(String(20), default="")  # requested | confirmed | declined | cancelled
    reason: Mapped[str] = mapped_column(String(60), default="")
    taken: Mapped[str] = mapped_column(Text, default="")  # ISO days, comma-separated
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # who asked last (books in their name)
    # the last day asked for of an offering that goes on after it: asked again before (renew_rooms)
    booked_until: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class OfferingImage(Base):
    """A picture staff uploaded for offerings (shared/images.py made it: JPEG, no metadata),
    served at /calendar/images/<digest>.jpg; the same picture twice is stored once."""

    __tablename__ = "offering_images"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    partner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # who uploaded it first
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
