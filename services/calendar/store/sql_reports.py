"""What the CalDAV reports read (calendar-query, multiget, free-busy), as columns only, no ORM
objects, and the time indexes they decide by: a part of SqlStore (store/sql.py).

A report first asks for the candidates' indexes by ETag (time_indexes): from the process cache
the store owns, or as stored with the object at PUT, so parsing and expanding happen once per
stored version, not once per query or process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from services.calendar.domain import timeindex
from services.calendar.store.models import CalendarObject
from services.calendar.store.objectcache import Entry, ObjectCache
from services.calendar.store.records import ObjectInfo
from services.calendar.store.sql_rows import REPORT_COLUMNS, chunks, in_range, live, row_info


class SqlReports:
    session: Session
    cache: ObjectCache

    def range_candidates(
        self, calendar_id: int, start: datetime | None, end: datetime | None, component: str | None = None
    ) -> list[tuple[str, str]]:
        """(name, etag) of the live objects whose indexed UTC span can meet [start, end)."""
        query = in_range(live(calendar_id, CalendarObject.name, CalendarObject.etag), start, end, component)
        return [(name, etag) for name, etag in self.session.execute(query.order_by(CalendarObject.name))]

    def range_objects(
        self, calendar_id: int, start: datetime | None, end: datetime | None, component: str | None = None
    ) -> list[ObjectInfo]:
        """Like range_candidates, with every column and the data (for reports that send it)."""
        query = in_range(live(calendar_id, *REPORT_COLUMNS), start, end, component)
        return [row_info(row) for row in self.session.execute(query.order_by(CalendarObject.name))]

    def report_objects(self, calendar_id: int, names) -> list[ObjectInfo]:
        """The named live objects with their data, in one query (multiget, query results)."""
        if not names:
            return []
        rows = self.session.execute(
            live(calendar_id, *REPORT_COLUMNS).where(CalendarObject.name.in_(list(names))).order_by(CalendarObject.name)
        )
        return [row_info(row) for row in rows]

    def stored_indexes(self, calendar_id: int, names) -> list[tuple[str, str, str]]:
        """(name, etag, time index as stored at PUT) of the named live objects that have one."""
        found = []
        query = live(calendar_id, CalendarObject.name, CalendarObject.etag, CalendarObject.time_index).where(
            CalendarObject.time_index.is_not(None)
        )
        for chunk in chunks(list(names)):
            found += [tuple(row) for row in self.session.execute(query.where(CalendarObject.name.in_(chunk)))]
        return found

    def time_indexes(self, calendar_id: int, candidates: list[tuple[str, str]]) -> dict[str, Entry]:
        """The entries of the candidates (name, etag) known without parsing: cached, or restored
        from the index stored at PUT (and cached then). Left out: objects stored before indexes
        were (or before expansion was bounded), and those changed since the candidates were read."""
        entries, missing = {}, []
        for name, etag in candidates:
            entry = self.cache.get(etag)
            if entry is None:
                missing.append(name)
            else:
                entries[name] = entry
        etags = dict(candidates)
        for name, etag, text in self.stored_indexes(calendar_id, missing):
            index = timeindex.loads(text)
            if etag == etags[name] and index is not None:
                entries[name] = self.cache.put(etag, index)
        return entries

    def build_index(self, etag: str, data: bytes, now: datetime) -> Entry:
        """Parse and index `data` (whose ETag is `etag`) and keep the index; the entry returned
        also holds the parsed calendar, for the caller only."""
        return self.cache.build(etag, data, now)

    def expand_bodies(self, etag: str, entry: Entry, data: bytes) -> dict[int, bytes]:
        """The component texts an expanded answer is written from, kept with the entry."""
        return self.cache.bodies(etag, entry, data)
