"""calendar-query and free-busy-query (RFC 4791 §7.8, §7.10), made fast:

1. SQL pre-filter on the indexed UTC span (first_start, last_end): only objects whose span
   can meet the range, and only their names and ETags;
2. per ETag, a TimeIndex from the store (its process cache, or as stored with the object at
   PUT): parsing and expanding happens once per stored version, not once per query or process;
   data is loaded only for the objects that need a full filter, and then for the matches;
3. responses are written as text directly (getetag, calendar-data), through the registry otherwise."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import cast
from urllib.parse import quote

from flask import Response
from icalendar import Calendar

from services.calendar.dav import query_xml
from services.calendar.dav.properties import registry
from services.calendar.dav.resources import Context, Resource, calendar_of
from services.calendar.dav.webdav import CALDAV, DAV, clark, escape, propstat_response, response_text
from services.calendar.domain import expand, filters, timeindex
from services.calendar.domain.recurrence import Budget
from services.calendar.domain.timeindex import EPOCH_MAX, EPOCH_MIN, Instance, overlaps
from services.calendar.store.objectcache import Entry
from services.calendar.store.records import CalendarInfo, ObjectInfo

GETETAG, CALENDAR_DATA = clark(DAV, "getetag"), clark(CALDAV, "calendar-data")
FAST_PROPS = {GETETAG, CALENDAR_DATA}


def _dt(seconds: int | None) -> datetime | None:
    if seconds is None or seconds <= EPOCH_MIN or seconds >= EPOCH_MAX:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc)


class _Objects:
    """The entries of one report: known to the store by ETag, or built from data loaded in one
    batch. Data is held as the reader may see it (Context.shown), so that filters (a text-match
    on SUMMARY) and expansions never see what the reader must not."""

    def __init__(
        self, ctx: Context, collection: Resource, candidates: list[tuple[str, str]], rows: Iterable[ObjectInfo] = ()
    ):
        self.ctx, self.collection, self.now = ctx, collection, datetime.now(timezone.utc)
        self.calendar_info: CalendarInfo = calendar_of(collection)
        self.calendar_id = self.calendar_info.id
        self.budget = Budget()  # the expansion work this report may cause
        self.redacted: set[str] = set()
        self.etags = dict(candidates)
        self.rows = {r.name: self.shown(r) for r in rows}  # loaded with their data already (one query)
        # range_objects loads every row with its data (and shown keeps it)
        self.data = cast("dict[str, bytes]", {name: r.data for name, r in self.rows.items()})
        self.entries: dict[str, Entry] = ctx.store.time_indexes(self.calendar_id, candidates)
        self.load([name for name, _etag in candidates if name not in self.entries])

    def shown(self, obj: ObjectInfo) -> ObjectInfo:
        visible = self.ctx.shown(self.calendar_info, obj)
        if visible is not obj:
            self.redacted.add(obj.name)
        return visible

    def load(self, names: list[str]) -> None:
        for name in names:
            if name in self.rows and name not in self.entries:
                self.entries[name] = self.ctx.store.build_index(self.etags[name], self.data[name], self.now)
        for obj in self.ctx.store.report_objects(self.calendar_id, [n for n in names if n not in self.data]):
            obj = self.shown(obj)  # a busy view has the same times: its index is the object's
            data = obj.data
            assert data is not None  # report_objects loads it
            self.data[obj.name] = data
            if obj.name not in self.entries or self.etags[obj.name] != obj.etag:  # (changed meanwhile)
                self.etags[obj.name] = obj.etag
                self.entries[obj.name] = self.ctx.store.build_index(obj.etag, data, self.now)

    def calendar(self, name: str) -> Calendar:
        entry = self.entries[name]
        calendar = entry.calendar
        if calendar is None:
            calendar = Calendar.from_ical(self.data[name])
            self.entries[name] = Entry(entry.index, entry.bodies, calendar)
        return calendar


def calendar_query(ctx: Context, collection: Resource, root, names: list[str]) -> list:
    top = query_xml.parse_filter(root)
    wanted = query_xml.data_request(root)
    start, end, component = query_xml.outer_range(top)
    calendar_id = calendar_of(collection).id
    rows: Sequence[ObjectInfo]
    if CALENDAR_DATA in names or not set(names) <= FAST_PROPS:
        # data will be sent for (nearly) every candidate of a time range: one query for all
        rows = ctx.store.range_objects(calendar_id, _dt(start), _dt(end), component)
        candidates = [(r.name, r.etag) for r in rows]
    else:
        rows, candidates = (), ctx.store.range_candidates(calendar_id, _dt(start), _dt(end), component)
    objects = _Objects(ctx, collection, candidates, rows)
    matched, undecided = [], []
    by_index = not filters.needs_calendar(top)
    for name, _etag in candidates:
        verdict = filters.decide_by_index(top, objects.entries[name].index) if by_index else None
        if verdict is None:
            undecided.append(name)
        elif verdict:
            matched.append(name)
    objects.load(undecided)
    matched += [
        n for n in undecided if filters.matches(top, objects.calendar(n), objects.entries[n].index, objects.budget)
    ]
    return _responses(ctx, collection, objects, sorted(matched), names, wanted)


def _responses(
    ctx: Context,
    collection: Resource,
    objects: _Objects,
    matched: list[str],
    names: list[str],
    wanted: query_xml.DataRequest | None,
) -> list[str]:
    fast = set(names) <= FAST_PROPS
    if fast and CALENDAR_DATA not in names:  # only ETags asked: no data needed
        return [data_response(collection.url + quote(n), objects.etags[n]) for n in matched]
    out = []
    loaded = (
        [objects.rows[n] for n in matched]
        if all(n in objects.rows for n in matched)
        else [objects.shown(o) for o in ctx.store.report_objects(objects.calendar_id, matched)]
    )
    for obj in loaded:
        data = obj.data
        assert data is not None  # range_objects and report_objects load it
        if wanted is not None and wanted.expand:
            entry = objects.entries.get(obj.name)
            if entry is None or objects.etags.get(obj.name) != obj.etag:
                entry = ctx.store.build_index(obj.etag, data, objects.now)
            if not _single_task(entry):  # which met the range by §9.9's table (perhaps dateless): as it is
                data = _expanded(ctx, objects, obj, entry, data, wanted.expand)
        # limit-recurrence-set is answered with the full set: a superset the client can narrow
        if fast:
            out.append(data_response(collection.url + quote(obj.name), obj.etag, data.decode("utf-8")))
        else:  # already as the reader may see it: straight into a resource
            resource = Resource(
                "object",
                collection.url + quote(obj.name),
                calendar=collection.calendar,
                obj=replace(obj, data=data),
                name=obj.name,
                writable=collection.writable,
            )
            out.append(propstat_response(resource.url, registry, resource, ctx, "prop", names))
    return out


def _single_task(entry: Entry) -> bool:
    return entry.index.component == "VTODO" and not entry.index.recurring


def _expanded(
    ctx: Context, objects: _Objects, obj: ObjectInfo, entry: Entry, data: bytes, span: tuple[int, int]
) -> bytes:
    """RFC 4791 §9.6.5: the instances in `span`, each a component of its own, in UTC."""
    bodies = expand.bodies(data) if obj.name in objects.redacted else ctx.store.expand_bodies(obj.etag, entry, data)
    return expand.expanded(entry.index.component, instances(entry, data, *span, objects.budget), bodies)


def data_response(url: str, etag: str, text: str | None = None) -> str:
    """A DAV:response with getetag (and calendar-data), the answer to nearly every report."""
    found = [f"<D:getetag>{escape(etag)}</D:getetag>"]
    if text is not None:
        found.append(f"<C:calendar-data>{escape(text)}</C:calendar-data>")
    return response_text(url, found)


def instances(entry: Entry, data: bytes, start: int, end: int, budget: Budget) -> list[Instance]:
    """The instances overlapping [start, end): from the index, or expanded again past it
    (both charged to the report's `budget`)."""
    index = entry.index
    if index.covers(end, start):
        found = index.between(start, end)
    else:
        calendar = entry.calendar if entry.calendar is not None else Calendar.from_ical(data)
        found = [
            i
            for i in timeindex.expand(calendar, index.component, _utc(start - 86400), _utc(end + 86400), budget)
            if overlaps(i.start, i.end, start, end)
        ]
    budget.charge(len(found))
    return found


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(max(min(seconds, EPOCH_MAX), EPOCH_MIN), timezone.utc)


# --- free-busy-query (RFC 4791 §7.10) ----------------------------------------------------------
def free_busy(ctx: Context, collection: Resource, root) -> Response:
    """The answer is a text/calendar body (a VFREEBUSY), not a multistatus."""
    el = root.find(clark(CALDAV, "time-range"))
    if el is None:
        raise query_xml.invalid("free-busy-query braucht einen time-range.")
    if not el.get("start") or not el.get("end"):
        raise query_xml.invalid("free-busy-query braucht start und end.")
    start, end = query_xml.time_range(el)
    now = datetime.now(timezone.utc)
    body = expand.freebusy_calendar(busy(ctx, collection, start, end), start, end, now)
    return Response(body, status=200, content_type="text/calendar; charset=utf-8")


def busy(ctx: Context, collection: Resource, start: int, end: int) -> list[tuple[int, int, int]]:
    """The merged busy periods of a calendar in [start, end) (also the schedule outbox's answer)."""
    candidates = ctx.store.range_candidates(calendar_of(collection).id, _dt(start), _dt(end), "VEVENT")
    objects = _Objects(ctx, collection, candidates)
    found: list[Instance] = []
    for name, _etag in candidates:
        if not objects.entries[name].index.covers(end, start):
            objects.load([name])
        found += instances(objects.entries[name], objects.data.get(name, b""), start, end, objects.budget)
    return expand.busy_periods(found, start, end)
