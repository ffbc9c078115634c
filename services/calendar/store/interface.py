"""The store interface the DAV layers, feeds, pages and tasks work against (plain values out).

It names every method any of them calls, so another store (in memory, for tests; a file
store) knows what to provide; tests/calendar/test_store_interface.py checks that SqlStore has
each with the same signature, and that dav/ calls nothing on a store that is not named here."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from services.calendar.store.objectcache import Entry
from services.calendar.store.records import CalendarInfo, Change, ObjectInfo


class CalendarStore(Protocol):
    # calendars
    def calendars(self) -> list[CalendarInfo]: ...
    def calendar(self, slug: str) -> CalendarInfo | None: ...
    def room_calendar(self, room_id: int) -> CalendarInfo | None: ...
    def ensure_partner_calendar(
        self, partner_id: int, slug: str, displayname: str, description: str = "", public: bool = True
    ) -> CalendarInfo: ...
    def ensure_room_calendar(
        self,
        room_id: int,
        displayname: str | None = None,
        description: str | None = None,
        room_revision: int | None = None,
    ) -> CalendarInfo: ...
    def create_calendar(self, partner_id: int, slug: str, settings: dict) -> CalendarInfo: ...
    def update_calendar(self, calendar_id: int, settings: dict) -> CalendarInfo: ...
    def delete_calendar(self, calendar_id: int) -> None: ...

    # objects
    def objects(self, calendar_id: int, with_data: bool = False) -> list[ObjectInfo]: ...
    def get(self, calendar_id: int, name: str) -> ObjectInfo | None: ...
    def latest_by_uid(self, calendar_id: int, uid: str) -> ObjectInfo | None: ...
    def put(
        self,
        calendar_id: int,
        name: str,
        data: bytes,
        *,
        if_match: str | None = None,
        if_none_match: bool = False,
        source_sequence: int | None = None,
        components: tuple[str, ...] | None = None,
        if_schedule_tag_match: str | None = None,
        keep_schedule_tag: bool = False,
    ) -> tuple[str, bool]: ...
    def delete(
        self,
        calendar_id: int,
        name: str,
        *,
        if_match: str | None = None,
        source_sequence: int | None = None,
        if_schedule_tag_match: str | None = None,
    ) -> bool: ...
    def retire(self, calendar_id: int, uid: str, name: str, source_sequence: int) -> None: ...
    def changes_since(
        self, calendar_id: int, since: int | None, upto: int, limit: int | None, with_data: bool
    ) -> tuple[list[Change], bool]: ...

    # reports
    def range_candidates(
        self, calendar_id: int, start: datetime | None, end: datetime | None, component: str | None = None
    ) -> list[tuple[str, str]]: ...
    def range_objects(
        self, calendar_id: int, start: datetime | None, end: datetime | None, component: str | None = None
    ) -> list[ObjectInfo]: ...
    def report_objects(self, calendar_id: int, names) -> list[ObjectInfo]: ...
    def stored_indexes(self, calendar_id: int, names) -> list[tuple[str, str, str]]: ...
    def time_indexes(self, calendar_id: int, candidates: list[tuple[str, str]]) -> dict[str, Entry]: ...
    def build_index(self, etag: str, data: bytes, now: datetime) -> Entry: ...
    def expand_bodies(self, etag: str, entry: Entry, data: bytes) -> dict[int, bytes]: ...

    # the public pages
    def set_hidden(self, calendar_id: int, name: str, hidden: bool) -> bool: ...
    def hidden_names(self, calendar_id: int) -> set[str]: ...

    # caches
    def state_key(self) -> tuple: ...
