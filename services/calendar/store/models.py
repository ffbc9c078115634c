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
    # supported-calendar-component-set, comma-separated (chosen at MKCALENDAR)
    components: Mapped[str] = mapped_column(String(40), default="VEVENT", server_default="VEVENT")
    # fed from elsewhere (a CalendarSource): nobody writes it here, not even its partner
    read_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
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
    # RFC 6638 §3.2.10: of objects with an ORGANIZER; changes with the organizer's writes only
    schedule_tag: Mapped[str | None] = mapped_column(String(80), nullable=True)
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


class RoomDirectoryEntry(Base):
    """What calendar.room_changed told about a room beyond its calendar's name: the facts its
    CalDAV principal shows (capacity, district), whether it is still offered, and when it cannot
    be booked beside its bookings (buffer, opening hours, closures) for its free/busy."""

    __tablename__ = "room_directory"
    room_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(60), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=0)  # 0: not said
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    revision: Mapped[int] = mapped_column(Integer, default=-1)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    opening: Mapped[str] = mapped_column(Text, default="")  # JSON: weekday key -> [opens, closes]
    closures: Mapped[str] = mapped_column(Text, default="")  # JSON: [[first_day, last_day], ...]


class RoomInvitation(Base):
    """A room invited to an event of a partner's calendar (RFC 6638 implicit scheduling): what
    rooms was asked last (sequence, fingerprint of title and dates, "" once nothing is asked any
    more) and its last answer applied, as a PARTSTAT per date key. The row outlives the event
    (the sequence must keep growing when the same UID comes back)."""

    __tablename__ = "room_invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(300))
    object_name: Mapped[str] = mapped_column(String(300))  # the event's resource as last written
    room_id: Mapped[int] = mapped_column(Integer)
    invitation_uid: Mapped[str] = mapped_column(String(255))  # RoomInvitationV1.invitation_uid
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    keys: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the date keys asked (and all-day ones)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # who invited (books in their name)
    # the last answer applied: rooms' state and reason, per key [PARTSTAT, reason] (JSON)
    answered_sequence: Mapped[int] = mapped_column(Integer, default=-1)
    booking_sequence: Mapped[int] = mapped_column(Integer, default=-1)
    booking_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="")  # "" | booked | released | refused
    reason: Mapped[str] = mapped_column(String(60), default="")
    partstats: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("uq_room_invitations_event_room", "calendar_id", "uid", "room_id", unique=True),
        Index("uq_room_invitations_invitation", "invitation_uid", "room_id", unique=True),
        Index("ix_room_invitations_object", "calendar_id", "object_name"),
    )


class InvitedPerson(Base):
    """A person invited to an event of a partner's calendar (RFC 6638 implicit scheduling, sent
    by iMIP through notify): what they were last sent (fingerprint of their part of the event,
    "" once cancelled; the dates an override takes them off) and how many messages so far. The
    row outlives the event, so that a message's request_id is never reused."""

    __tablename__ = "invited_people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(300))
    object_name: Mapped[str] = mapped_column(String(300))  # the event's resource as last written
    address: Mapped[str] = mapped_column(String(320))  # mailto:…, lower case
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    dropped: Mapped[str] = mapped_column(Text, default="[]")  # JSON: date keys an override takes them off
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # the event's SEQUENCE last sent
    summary: Mapped[str] = mapped_column(String(200), default="")
    requests: Mapped[int] = mapped_column(Integer, default=0)  # messages sent to them (REQUEST and CANCEL)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # who invited them last
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("uq_invited_people_event_person", "calendar_id", "uid", "address", unique=True),
        Index("ix_invited_people_object", "calendar_id", "object_name"),
    )


class ScheduleInboxMessage(Base):
    """A scheduling message for an account's schedule inbox (RFC 6638 §2.2): a room's iTIP
    REPLY. The client reads and deletes them; at most INBOX_LIMIT are kept per account."""

    __tablename__ = "schedule_inbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    ics: Mapped[str] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("uq_schedule_inbox_name", "account_id", "name", unique=True),)


class CalendarSource(Base):
    """A partner's calendar kept elsewhere (an ICS feed or a CalDAV collection) that feeds one
    read-only calendar of its own here (calendar_id; deleting the source deletes it). What the
    last pull kept for the next one (ETag, Last-Modified, sync token, the remote hrefs' UIDs),
    its state for the partner's page, and a lease so that only one pull runs at a time."""

    __tablename__ = "calendar_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[int] = mapped_column(Integer, index=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # "ics" | "caldav"
    url: Mapped[str] = mapped_column(String(2000))
    username: Mapped[str] = mapped_column(String(200), default="")  # CalDAV only
    sealed_password: Mapped[str] = mapped_column(Text, default="")  # Fernet (subscriptions/sealing.py)
    # defaults written into events that say nothing themselves: comma-separated words / keys
    categories: Mapped[str] = mapped_column(String(500), default="")
    audiences: Mapped[str] = mapped_column(String(500), default="")
    district: Mapped[str] = mapped_column(String(60), default="")
    accessibility: Mapped[str] = mapped_column(String(500), default="")
    all_public: Mapped[bool] = mapped_column(Boolean, default=True)  # False: only CLASS:PUBLIC ones
    interval_minutes: Mapped[int] = mapped_column(Integer, default=60)
    feed_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)  # REFRESH-INTERVAL / X-PUBLISHED-TTL
    state: Mapped[str] = mapped_column(String(10), default="new")  # new | ok | failing
    reason: Mapped[str] = mapped_column(Text, default="")  # why it fails, in German (log, export)
    # ... and as its msgid with the values, so the page says it in the reader's language
    reason_template: Mapped[str] = mapped_column(Text, default="", server_default="")
    reason_params: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # JSON
    events: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)  # UIDs already in another calendar, dropped ones
    etag: Mapped[str] = mapped_column(String(300), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the last feed imported: the same bytes again count as not modified (most
    # feeds come without an ETag, and reading 1,000 events again costs seconds)
    content_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    sync_token: Mapped[str] = mapped_column(Text, default="")
    remote_items: Mapped[str] = mapped_column(Text, default="{}")  # JSON: CalDAV href -> UID
    next_pull_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    last_pull_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # who set it up or changed it last
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ActivityPub (services/calendar/fediverse/): the network and each partner as actors, who follows
# them, the offerings as Event objects, the activities sent and their deliveries to each inbox.


class FediverseActor(Base):
    """The network ("treffpunkt", partner_id None) or a partner (named by its slug). Its private
    key is sealed (fediverse/keys.py): a copy of the database must not let anyone sign as it."""

    __tablename__ = "fediverse_actors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # preferredUsername, acct:<name>@host
    partner_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    public_key_pem: Mapped[str] = mapped_column(Text)
    private_key_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FediverseFollower(Base):
    """A remote actor following one of ours, with where to deliver (its inbox, its server's
    shared inbox when it has one: one copy per server)."""

    __tablename__ = "fediverse_followers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("fediverse_actors.id", ondelete="CASCADE"))
    follower: Mapped[str] = mapped_column(String(500))  # the remote actor's id
    inbox: Mapped[str] = mapped_column(String(500))
    shared_inbox: Mapped[str] = mapped_column(String(500), default="")
    follow_id: Mapped[str] = mapped_column(String(500), default="")  # their Follow, for Undo and Accept
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("uq_fediverse_followers", "actor_id", "follower", unique=True),
        Index("ix_fediverse_followers_follower", "follower"),
    )


class FederatedEvent(Base):
    """An offering as last published: its Event document (served at its id, what followers got)
    and the digest of its content, so that a rewrite that changes nothing sends nothing. No
    foreign key to public_offerings: the row outlives the offering, as its Tombstone."""

    __tablename__ = "fediverse_events"
    offering_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("fediverse_actors.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(Text)  # JSON
    digest: Mapped[str] = mapped_column(String(64))
    # the end of the date it shows: past it, the scan moves the Event on to the next date
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FediverseMark(Base):
    """How far the scan of public_offerings.changed_at has come (one row, name "offerings")."""

    __tablename__ = "fediverse_marks"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_offering: Mapped[int] = mapped_column(Integer, default=0)  # ties at the same instant


class FediverseActivity(Base):
    """An activity one of our actors sent: its outbox, dereferenceable at its id."""

    __tablename__ = "fediverse_activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # the id's last segment
    actor_id: Mapped[int] = mapped_column(ForeignKey("fediverse_actors.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    document: Mapped[str] = mapped_column(Text)  # JSON
    public: Mapped[bool] = mapped_column(Boolean, default=True)  # Accepts are not listed in the outbox
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FediverseDelivery(Base):
    """One activity to one inbox. Claimed by its task (one per delivery: a dead peer never holds
    up another), retried with growing waits, given up after MAX_ATTEMPTS (fediverse/delivery.py)."""

    __tablename__ = "fediverse_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("fediverse_activities.id", ondelete="CASCADE"))
    inbox: Mapped[str] = mapped_column(String(500))
    host: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending | delivered | given_up
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("uq_fediverse_deliveries", "activity_id", "inbox", unique=True),
        Index("ix_fediverse_deliveries_due", "state", "next_at"),
    )


class FediversePeer(Base):
    """A remote server that failed in a row: paused for a while, so its deliveries wait."""

    __tablename__ = "fediverse_peers"
    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    paused_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class FediverseKey(Base):
    """A remote actor's public key as fetched from its actor document (cached: each incoming
    activity must not cost a fetch)."""

    __tablename__ = "fediverse_keys"
    key_id: Mapped[str] = mapped_column(String(500), primary_key=True)
    owner: Mapped[str] = mapped_column(String(500))
    public_key_pem: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FediverseSource(Base):
    """A remote actor the coordination office follows (another Treffpunkt's network, a Gancio or
    Mobilizon instance): its Events land in the "Aus der Region" calendar of the office's
    partner, hidden until approved, all of them at once when the source is approved."""

    __tablename__ = "fediverse_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(500), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    inbox: Mapped[str] = mapped_column(String(500))
    partner_id: Mapped[int] = mapped_column(Integer)  # the office's: owner of the region calendar
    follow_id: Mapped[str] = mapped_column(String(500), default="")  # our Follow's id
    state: Mapped[str] = mapped_column(String(12), default="requested")  # requested | accepted | rejected
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RegionEvent(Base):
    """An Event of a followed source, stored as an object of the region calendar."""

    __tablename__ = "fediverse_region_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(500), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("fediverse_sources.id", ondelete="CASCADE"), index=True)
    object_name: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(200), default="")
    approved: Mapped[bool] = mapped_column(Boolean, default=False)  # this event, whatever its source
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
