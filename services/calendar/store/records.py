"""The plain values the store hands out: no ORM objects leave it, so a caller can hold them
after the transaction ended and no lazy load reaches back into the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CalendarInfo:
    id: int
    slug: str
    kind: str  # "partner" | "room"
    owner_partner_id: int | None
    room_id: int | None
    displayname: str
    description: str
    color: str
    public: bool
    revision: int
    created_at: datetime | None = None  # tells a recreated calendar from an old one (sync tokens)
    timezone: str | None = None  # CALDAV:calendar-timezone as set by a client (a VCALENDAR text)
    order: int | None = None  # Apple's calendar-order
    components: tuple[str, ...] = ("VEVENT",)  # supported-calendar-component-set
    read_only: bool = False  # fed from a source kept elsewhere: nobody writes it here


@dataclass(frozen=True)
class ObjectInfo:
    name: str
    uid: str
    etag: str
    revision: int
    public: bool
    categories: tuple[str, ...]
    audience: tuple[str, ...]
    first_start: datetime | None
    last_end: datetime | None
    source_sequence: int | None = None
    data: bytes | None = None  # only when asked for
    size: int | None = None  # bytes of the stored data
    schedule_tag: str | None = None  # RFC 6638, of a scheduling object (read with the single object)


@dataclass(frozen=True)
class Change:
    """One member of a collection changed since a sync token: obj is None when it was removed."""

    name: str
    revision: int
    obj: ObjectInfo | None


# What a client may change on a calendar with PROPPATCH / MKCALENDAR: the keys of the
# `settings` create_calendar and update_calendar take.
CALENDAR_SETTINGS = ("displayname", "description", "color", "timezone", "order")
