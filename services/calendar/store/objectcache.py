"""What a report needs of a stored resource, computed once per ETag and kept in the process.

The store owns it: it fills it when it stores a resource (the index is built there anyway)
and when a report restores an index stored with the object; parsing itself caches nothing.
An ETag is a hash of the stored bytes, so an entry can never be stale; the cache is bounded.
Parsed calendars are large, so only the small TimeIndex and the expand bodies are kept; a
filter that needs the calendar parses again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from icalendar import Calendar

from services.calendar.bounded_cache import BoundedCache
from services.calendar.domain import expand, timeindex
from services.calendar.domain.timeindex import TimeIndex

MAX_ENTRIES = 50_000


@dataclass
class Entry:
    index: TimeIndex
    bodies: dict[int, bytes] | None = None  # filled on first expand
    calendar: Calendar | None = field(default=None, repr=False)  # only while a request holds it


class ObjectCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: BoundedCache[str, Entry] = BoundedCache(max_entries)

    def get(self, etag: str) -> Entry | None:
        return self._entries.get(etag)

    def build(self, etag: str, data: bytes, now: datetime) -> Entry:
        """Parse and index `data` (whose ETag is `etag`); the returned entry holds the parsed
        calendar for the caller, the cached one does not."""
        calendar = Calendar.from_ical(data)
        return Entry(self.put(etag, timeindex.build(calendar, now)).index, None, calendar)

    def put(self, etag: str, index: TimeIndex) -> Entry:
        """Keep an index built elsewhere (at PUT, or as stored with the object)."""
        return self._entries.put(etag, Entry(index))

    def bodies(self, etag: str, entry: Entry, data: bytes) -> dict[int, bytes]:
        if entry.bodies is None:
            entry.bodies = expand.bodies(data)
            cached = self.get(etag)
            if cached is not None:
                cached.bodies = entry.bodies
        return entry.bodies

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


CACHE = ObjectCache()  # one per process: every request's store shares what earlier ones built
