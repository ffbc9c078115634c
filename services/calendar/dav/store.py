"""The store interface the DAV layers, feeds and tasks work against (plain values out)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


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


class StoreError(Exception):
    """Base of the store's refusals; the message is for a person (German)."""


class PreconditionFailed(StoreError):
    """If-Match / If-None-Match did not hold (HTTP 412)."""


class UidConflict(StoreError):
    """Another resource in the calendar already holds the UID (CalDAV no-uid-conflict)."""

    def __init__(self, message: str, existing_name: str):
        super().__init__(message)
        self.existing_name = existing_name


class UnsupportedComponent(StoreError):
    """The resource holds a component the calendar does not accept (CalDAV supported-calendar-component)."""


class SlugTaken(StoreError):
    """A calendar with this URL segment exists already (MKCALENDAR on an existing resource)."""


@dataclass(frozen=True)
class Change:
    """One member of a collection changed since a sync token: obj is None when it was removed."""
    name: str
    revision: int
    obj: ObjectInfo | None


# What a client may change on a calendar with PROPPATCH / MKCALENDAR (column names).
CALENDAR_SETTINGS = ("displayname", "description", "color", "timezone", "order")


class CalendarStore(Protocol):
    def calendars(self) -> list[CalendarInfo]: ...
    def calendar(self, slug: str) -> CalendarInfo | None: ...
    def room_calendar(self, room_id: int) -> CalendarInfo | None: ...
    def ensure_partner_calendar(self, partner_id: int, slug: str, displayname: str,
                                description: str = "", public: bool = True) -> CalendarInfo: ...
    def ensure_room_calendar(self, room_id: int, displayname: str | None = None,
                             description: str | None = None, room_revision: int | None = None) -> CalendarInfo: ...
    def objects(self, calendar_id: int, with_data: bool = False) -> list[ObjectInfo]: ...
    def objects_named(self, calendar_id: int, names: list[str]) -> list[ObjectInfo]: ...
    def objects_in_range(self, calendar_id: int, start: datetime | None, end: datetime | None) -> list[ObjectInfo]: ...
    def get(self, calendar_id: int, name: str) -> ObjectInfo | None: ...
    def latest_by_uid(self, calendar_id: int, uid: str) -> ObjectInfo | None: ...
    def put(self, calendar_id: int, name: str, data: bytes, *, if_match: str | None = None,
            if_none_match: bool = False, source_sequence: int | None = None,
            components: tuple[str, ...] | None = None) -> tuple[str, bool]: ...
    def delete(self, calendar_id: int, name: str, *, if_match: str | None = None,
               source_sequence: int | None = None) -> bool: ...
    def retire(self, calendar_id: int, uid: str, name: str, source_sequence: int) -> None: ...
    def create_calendar(self, partner_id: int, slug: str, settings: dict) -> CalendarInfo: ...
    def update_calendar(self, calendar_id: int, settings: dict) -> CalendarInfo: ...
    def delete_calendar(self, calendar_id: int) -> None: ...
    def changes_since(self, calendar_id: int, since: int | None, upto: int, limit: int | None,
                      with_data: bool) -> tuple[list[Change], bool]: ...
    def public_partner_objects(self) -> list[tuple[int, ObjectInfo]]: ...
    def state_key(self) -> tuple: ...
