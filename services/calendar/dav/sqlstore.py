"""The calendar store on SQLAlchemy (PostgreSQL in production and tests, SQLite for make run).

Every write first bumps the calendar's revision with an UPDATE: that row lock serialises
writers of one calendar, so the checks that follow (ETag, UID) see a settled state. The caller
owns the transaction (commit or rollback), so a task's inbox row commits with its effect."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, and_, cast, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.calendar.dav.sqlcollections import CalendarCollections
from services.calendar.dav.store import (CalendarInfo, ObjectInfo, PreconditionFailed, UidConflict,
                                         UnsupportedComponent)
from services.calendar.domain import timeindex
from services.calendar.domain.ical import etag_of, index_resource
from services.calendar.domain.objectcache import CACHE
from services.calendar.models import Calendar, CalendarObject


def _calendar_info(c: Calendar) -> CalendarInfo:
    return CalendarInfo(id=c.id, slug=c.slug, kind=c.kind, owner_partner_id=c.owner_partner_id,
                        room_id=c.room_id, displayname=c.displayname, description=c.description,
                        color=c.color, public=c.public, revision=c.revision, created_at=c.created_at,
                        timezone=c.timezone, order=c.sort_order)


def _object_info(o: CalendarObject, with_data: bool) -> ObjectInfo:
    return ObjectInfo(name=o.name, uid=o.uid, etag=o.etag, revision=o.revision, public=o.public,
                      categories=tuple(filter(None, o.categories.split(","))),
                      audience=tuple(filter(None, o.audience.split(","))),
                      first_start=o.first_start, last_end=o.last_end, source_sequence=o.source_sequence,
                      data=o.ics.encode("utf-8") if with_data else None)


class SqlStore(CalendarCollections):
    def __init__(self, session: Session):
        self.session = session

    # --- calendars ---------------------------------------------------------------------
    def calendars(self) -> list[CalendarInfo]:
        rows = self.session.scalars(select(Calendar).order_by(Calendar.kind, Calendar.displayname))
        return [_calendar_info(c) for c in rows]

    def calendar(self, slug: str) -> CalendarInfo | None:
        c = self.session.scalar(select(Calendar).where(Calendar.slug == slug))
        return _calendar_info(c) if c else None

    def room_calendar(self, room_id: int) -> CalendarInfo | None:
        c = self.session.scalar(select(Calendar).where(Calendar.room_id == room_id))
        return _calendar_info(c) if c else None

    def ensure_partner_calendar(self, partner_id, slug, displayname, description="", public=True):
        c = self.session.scalar(select(Calendar).where(Calendar.slug == slug))
        if c is None:
            c = Calendar(slug=slug, kind="partner", owner_partner_id=partner_id, displayname=displayname,
                         description=description, public=public, revision=1, room_revision=-1)
            self.session.add(c)
            self.session.flush()
        return _calendar_info(c)

    def ensure_room_calendar(self, room_id, displayname=None, description=None, room_revision=None):
        """Create the room's calendar if missing; apply names only from a newer room revision."""
        c = self.session.scalar(select(Calendar).where(Calendar.room_id == room_id).with_for_update())
        if c is None:
            c = Calendar(slug=f"raum-{room_id}", kind="room", room_id=room_id, owner_partner_id=None,
                         displayname=displayname or f"Raum {room_id}", description=description or "",
                         color="#6B4C9A", public=True, revision=1, room_revision=-1)
            self.session.add(c)
            self.session.flush()
        if room_revision is not None and room_revision > c.room_revision:
            c.displayname = displayname or c.displayname
            c.description = description if description is not None else c.description
            c.room_revision = room_revision
            c.revision += 1
        return _calendar_info(c)

    def _bump(self, calendar_id: int) -> int:
        return self.session.execute(
            update(Calendar).where(Calendar.id == calendar_id).values(revision=Calendar.revision + 1)
            .returning(Calendar.revision)).scalar_one()

    # --- objects -----------------------------------------------------------------------
    def _live(self, calendar_id: int, *columns):
        """The calendar's live objects (or those columns of them)."""
        return select(*(columns or (CalendarObject,))).where(CalendarObject.calendar_id == calendar_id,
                                                              CalendarObject.deleted.is_(False))

    def objects(self, calendar_id, with_data=False):
        """Columns only, no ORM objects (a depth-1 PROPFIND lists every member)."""
        last = CalendarObject.ics if with_data else self._octets(CalendarObject.ics)
        rows = self.session.execute(self._live(calendar_id, *_INFO_COLUMNS, last).order_by(CalendarObject.name))
        return [_row_info(row, with_data) for row in rows]

    def _octets(self, text_column):
        """The column's size in bytes of UTF-8, computed by the database (no data sent)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return func.octet_length(text_column)
        return func.length(cast(text_column, LargeBinary))

    def objects_named(self, calendar_id, names):
        if not names:
            return []
        rows = self.session.scalars(self._live(calendar_id).where(CalendarObject.name.in_(names)))
        return [_object_info(o, True) for o in rows]

    def objects_in_range(self, calendar_id, start: datetime | None, end: datetime | None):
        query = _in_range(self._live(calendar_id), start, end)
        return [_object_info(o, True) for o in self.session.scalars(query.order_by(CalendarObject.name))]

    # --- reports (calendar-query, multiget, free-busy): columns only, no ORM objects ----------
    def range_candidates(self, calendar_id, start: datetime | None, end: datetime | None,
                         component: str | None = None) -> list[tuple[str, str]]:
        """(name, etag) of the live objects whose indexed UTC span can meet [start, end)."""
        query = _in_range(self._live(calendar_id, CalendarObject.name, CalendarObject.etag), start, end, component)
        return [(name, etag) for name, etag in self.session.execute(query.order_by(CalendarObject.name))]

    def range_objects(self, calendar_id, start: datetime | None, end: datetime | None,
                      component: str | None = None) -> list[ObjectInfo]:
        """Like range_candidates, with every column and the data (for reports that send it)."""
        query = _in_range(self._live(calendar_id, *_REPORT_COLUMNS), start, end, component)
        return [_row_info(row) for row in self.session.execute(query.order_by(CalendarObject.name))]

    def report_objects(self, calendar_id, names) -> list[ObjectInfo]:
        """The named live objects with their data, in one query (multiget, query results)."""
        if not names:
            return []
        rows = self.session.execute(self._live(calendar_id, *_REPORT_COLUMNS).where(
            CalendarObject.name.in_(list(names))).order_by(CalendarObject.name))
        return [_row_info(row) for row in rows]

    def stored_indexes(self, calendar_id, names) -> list[tuple[str, str, str]]:
        """(name, etag, time index as stored at PUT) of the named live objects that have one."""
        names, found = list(names), []
        query = self._live(calendar_id, CalendarObject.name, CalendarObject.etag, CalendarObject.time_index).where(
            CalendarObject.time_index.is_not(None))
        for chunk in (names[i:i + 1000] for i in range(0, len(names), 1000)):
            found += [tuple(row) for row in self.session.execute(query.where(CalendarObject.name.in_(chunk)))]
        return found

    def get(self, calendar_id, name):
        o = self.session.scalar(self._live(calendar_id).where(CalendarObject.name == name))
        return _object_info(o, True) if o else None

    def latest_by_uid(self, calendar_id, uid):
        o = self.session.scalar(
            select(CalendarObject).where(CalendarObject.calendar_id == calendar_id, CalendarObject.uid == uid)
            .order_by(CalendarObject.deleted.asc(), CalendarObject.id.desc()).limit(1))
        return _object_info(o, True) if o else None

    def put(self, calendar_id, name, data, *, if_match=None, if_none_match=False, source_sequence=None,
            components=None):
        """Create or replace; returns (etag, created). Raises InvalidCalendarData,
        UnsupportedComponent (not one of `components`), PreconditionFailed, UidConflict.
        The time index built while checking goes into the cache: the first report finds it."""
        index = index_resource(data)
        etag = etag_of(data)
        CACHE.put(etag, index.time_index)
        if components is not None and index.component not in components:
            raise UnsupportedComponent(f"Dieser Kalender nimmt nur {', '.join(components)} an, "
                                       f"keine {index.component}-Einträge.")
        revision = self._bump(calendar_id)
        existing = self.session.scalar(self._live(calendar_id).where(CalendarObject.name == name))
        _check_preconditions(existing, if_match, if_none_match)
        holder = self.session.scalar(self._live(calendar_id).where(CalendarObject.uid == index.uid,
                                                                   CalendarObject.name != name))
        if holder is not None:
            raise UidConflict(f"Die UID {index.uid} gehört schon zum Eintrag {holder.name}.", holder.name)
        obj = existing or CalendarObject(calendar_id=calendar_id, name=name, deleted=False)
        obj.uid, obj.ics, obj.etag = index.uid, data.decode("utf-8"), etag
        obj.component, obj.public = index.component, index.public
        obj.categories, obj.audience = ",".join(index.categories), ",".join(index.audience)
        obj.first_start, obj.last_end = index.first_start, index.last_end
        obj.time_index = timeindex.dumps(index.time_index)
        obj.revision, obj.source_sequence = revision, source_sequence
        if existing is None:
            self.session.add(obj)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:  # a concurrent writer took the name or UID first
            raise PreconditionFailed("Der Eintrag wurde gerade von jemand anderem angelegt.") from None
        return obj.etag, existing is None

    def delete(self, calendar_id, name, *, if_match=None, source_sequence=None) -> bool:
        """Turn the object into a tombstone; False if there was none."""
        revision = self._bump(calendar_id)
        existing = self.session.scalar(self._live(calendar_id).where(CalendarObject.name == name))
        _check_preconditions(existing, if_match, False)
        if existing is None:
            return False
        existing.deleted, existing.ics, existing.time_index, existing.revision = True, "", None, revision
        if source_sequence is not None:
            existing.source_sequence = source_sequence
        return True

    def retire(self, calendar_id, uid, name, source_sequence) -> None:
        """A booking that is gone: tombstone the live object, or record one, so that an older
        message arriving later cannot bring it back."""
        if self.delete(calendar_id, name, source_sequence=source_sequence):
            return
        self.session.add(CalendarObject(calendar_id=calendar_id, name=name, uid=uid, ics="", etag="",
                                        revision=self._bump(calendar_id), deleted=True,
                                        source_sequence=source_sequence))
        self.session.flush()

    # --- feeds -------------------------------------------------------------------------
    def public_partner_objects(self) -> list[tuple[int, ObjectInfo]]:
        rows = self.session.execute(
            select(Calendar.owner_partner_id, *_REPORT_COLUMNS)
            .join(CalendarObject, and_(CalendarObject.calendar_id == Calendar.id))
            .where(Calendar.kind == "partner", Calendar.public.is_(True),
                   CalendarObject.deleted.is_(False), CalendarObject.public.is_(True))
            .order_by(Calendar.id, CalendarObject.name))
        return [(row[0], _row_info(row[1:])) for row in rows]

    def state_key(self) -> tuple:
        """Changes whenever any calendar changes (revisions only grow; created_at tells a
        recreated calendar from an old one with the same id): a cache key."""
        return tuple(tuple(row) for row in self.session.execute(
            select(Calendar.id, Calendar.revision, Calendar.created_at).order_by(Calendar.id)))


def _in_range(query, start: datetime | None, end: datetime | None, component: str | None = None):
    """Only objects whose indexed UTC span can meet [start, end) (None: open)."""
    if component is not None:
        query = query.where(CalendarObject.component == component)
    if end is not None:
        query = query.where(or_(CalendarObject.first_start.is_(None), CalendarObject.first_start < end))
    if start is not None:
        query = query.where(or_(CalendarObject.last_end.is_(None), CalendarObject.last_end > start))
    return query


_INFO_COLUMNS = (CalendarObject.name, CalendarObject.uid, CalendarObject.etag, CalendarObject.revision,
                 CalendarObject.public, CalendarObject.categories, CalendarObject.audience,
                 CalendarObject.first_start, CalendarObject.last_end, CalendarObject.source_sequence)
_REPORT_COLUMNS = (*_INFO_COLUMNS, CalendarObject.ics)


def _row_info(row, with_data: bool = True) -> ObjectInfo:
    """An ObjectInfo from _INFO_COLUMNS and then the text (with_data) or its size in bytes."""
    name, uid, etag, revision, public, categories, audience, first_start, last_end, sequence, last = row
    data = last.encode("utf-8") if with_data else None
    return ObjectInfo(name, uid, etag, revision, public, _split(categories), _split(audience), first_start,
                      last_end, sequence, data, len(data) if with_data else last)


def _split(joined: str) -> tuple[str, ...]:
    return tuple(filter(None, joined.split(","))) if joined else ()


def _check_preconditions(existing: CalendarObject | None, if_match: str | None, if_none_match: bool) -> None:
    if if_none_match and existing is not None:
        raise PreconditionFailed("Diesen Eintrag gibt es schon (If-None-Match: *).")
    if if_match is not None:
        tags = {t.strip() for t in if_match.split(",")}
        if existing is None or ("*" not in tags and existing.etag not in tags):
            raise PreconditionFailed("Der Eintrag wurde inzwischen geändert; bitte neu laden (ETag passt nicht).")
