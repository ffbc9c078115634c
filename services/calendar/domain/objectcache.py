"""What a report needs of a stored resource, computed once per ETag and kept in the process.

An ETag is a hash of the stored bytes, so an entry can never be stale; the cache is bounded
(least recently used entries go first). Parsed calendars are large, so only the small
TimeIndex and the expand bodies are kept; a filter that needs the calendar parses again."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

from icalendar import Calendar

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
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = Lock()

    def get(self, etag: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(etag)
            if entry is not None:
                self._entries.move_to_end(etag)
            return entry

    def build(self, etag: str, data: bytes, now: datetime) -> Entry:
        """Parse and index `data` (whose ETag is `etag`); the returned entry holds the parsed
        calendar for the caller, the cached one does not."""
        return self.remember(etag, Calendar.from_ical(data), now)

    def remember(self, etag: str, calendar: Calendar, now: datetime) -> Entry:
        """Index an already parsed calendar (the store parses every PUT anyway)."""
        return Entry(self.put(etag, timeindex.build(calendar, now)).index, None, calendar)

    def put(self, etag: str, index: TimeIndex) -> Entry:
        """Keep an index built elsewhere (e.g. as stored with the object)."""
        entry = Entry(index)
        with self._lock:
            self._entries[etag] = entry
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry

    def bodies(self, etag: str, entry: Entry, data: bytes) -> dict[int, bytes]:
        if entry.bodies is None:
            entry.bodies = expand.bodies(data)
            cached = self.get(etag)
            if cached is not None:
                cached.bodies = entry.bodies
        return entry.bodies

    def __len__(self) -> int:
        return len(self._entries)


CACHE = ObjectCache()
