"""The calendar store on SQLAlchemy (PostgreSQL in production and tests, SQLite for make run).

Every write first bumps the calendar's revision with an UPDATE: that row lock serialises
writers of one calendar, so the checks that follow (ETag, UID) see a settled state. The caller
owns the transaction (shared.db.transaction), so a task's inbox row commits with its effect and
a refused request leaves nothing behind. Collections and reports are parts of their own
(sql_calendars.py, sql_reports.py); interface.py says what all of it promises."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.clock import utcnow

from services.calendar.domain import schedule_tag, timeindex
from services.calendar.domain.ical import etag_of, index_resource
from services.calendar.store import sql_public_index
from services.calendar.store.errors import PreconditionFailed, UidConflict, UnsupportedComponent
from services.calendar.store.models import Calendar, CalendarObject, PublicOffering
from services.calendar.store.objectcache import CACHE, ObjectCache
from services.calendar.store.records import CalendarInfo, ObjectInfo
from services.calendar.store.sql_calendars import SqlCalendars
from services.calendar.store.sql_reports import SqlReports
from services.calendar.store.sql_rows import (
    INFO_COLUMNS,
    bump,
    calendar_info,
    live,
    object_info,
    octets,
    row_info,
)


class SqlStore(SqlCalendars, SqlReports):
    def __init__(self, session: Session, cache: ObjectCache = CACHE):
        self.session, self.cache = session, cache

    # --- calendars ---------------------------------------------------------------------
    def calendars(self) -> list[CalendarInfo]:
        rows = self.session.scalars(select(Calendar).order_by(Calendar.kind, Calendar.displayname))
        return [calendar_info(c) for c in rows]

    def calendar(self, slug: str) -> CalendarInfo | None:
        c = self.session.scalar(select(Calendar).where(Calendar.slug == slug))
        return calendar_info(c) if c else None

    def room_calendar(self, room_id: int) -> CalendarInfo | None:
        c = self.session.scalar(select(Calendar).where(Calendar.room_id == room_id))
        return calendar_info(c) if c else None

    def ensure_partner_calendar(
        self, partner_id: int, slug: str, displayname: str, description: str = "", public: bool = True
    ) -> CalendarInfo:
        c = self.session.scalar(select(Calendar).where(Calendar.slug == slug))
        if c is None:
            c = Calendar(
                slug=slug,
                kind="partner",
                owner_partner_id=partner_id,
                displayname=displayname,
                description=description,
                public=public,
                revision=1,
                room_revision=-1,
            )
            self.session.add(c)
            self.session.flush()
        return calendar_info(c)

    def ensure_room_calendar(
        self,
        room_id: int,
        displayname: str | None = None,
        description: str | None = None,
        room_revision: int | None = None,
    ) -> CalendarInfo:
        """Create the room's calendar if missing; apply names only from a newer room revision."""
        c = self.session.scalar(select(Calendar).where(Calendar.room_id == room_id).with_for_update())
        if c is None:
            c = Calendar(
                slug=f"raum-{room_id}",
                kind="room",
                room_id=room_id,
                owner_partner_id=None,
                displayname=displayname or f"Raum {room_id}",
                description=description or "",
                color="#6B4C9A",
                public=True,
                revision=1,
                room_revision=-1,
            )
            self.session.add(c)
            self.session.flush()
        if room_revision is not None and room_revision > c.room_revision:
            c.displayname = displayname or c.displayname
            c.description = description if description is not None else c.description
            c.room_revision = room_revision
            c.revision += 1
        return calendar_info(c)

    # --- objects -----------------------------------------------------------------------
    def objects(self, calendar_id: int, with_data: bool = False) -> list[ObjectInfo]:
        """Columns only, no ORM objects (a depth-1 PROPFIND lists every member)."""
        last = CalendarObject.ics if with_data else octets(self.session, CalendarObject.ics)
        rows = self.session.execute(live(calendar_id, *INFO_COLUMNS, last).order_by(CalendarObject.name))
        return [row_info(row, with_data) for row in rows]

    def get(self, calendar_id: int, name: str) -> ObjectInfo | None:
        o = self.session.scalar(live(calendar_id).where(CalendarObject.name == name))
        return object_info(o, True) if o else None

    def latest_by_uid(self, calendar_id: int, uid: str) -> ObjectInfo | None:
        o = self.session.scalar(
            select(CalendarObject)
            .where(CalendarObject.calendar_id == calendar_id, CalendarObject.uid == uid)
            .order_by(CalendarObject.deleted.asc(), CalendarObject.id.desc())
            .limit(1)
        )
        return object_info(o, True) if o else None

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
    ) -> tuple[str, bool]:
        """Create or replace; returns (etag, created). Raises InvalidCalendarData,
        UnsupportedComponent (not one of `components`), PreconditionFailed, UidConflict.
        A scheduling object gets a new schedule tag, unless `keep_schedule_tag` (an attendee's
        reply written in by the server keeps the organizer's).
        The time index built while checking goes into the cache: the first report finds it."""
        index = index_resource(data)
        etag = etag_of(data)
        self.cache.put(etag, index.time_index)
        if components is not None and index.component not in components:
            raise UnsupportedComponent(
                f"Dieser Kalender nimmt nur {', '.join(components)} an, keine {index.component}-Einträge."
            )
        revision = bump(self.session, calendar_id)
        existing = self.session.scalar(live(calendar_id).where(CalendarObject.name == name))
        _check_preconditions(existing, if_match, if_none_match, if_schedule_tag_match)
        holder = self.session.scalar(
            live(calendar_id).where(CalendarObject.uid == index.uid, CalendarObject.name != name)
        )
        if holder is not None:
            raise UidConflict(f"Die UID {index.uid} gehört schon zum Eintrag {holder.name}.", holder.name)
        obj = existing or CalendarObject(calendar_id=calendar_id, name=name, deleted=False)
        obj.uid, obj.ics, obj.etag = index.uid, data.decode("utf-8"), etag
        obj.component, obj.public = index.component, index.public
        obj.categories, obj.audience = ",".join(index.categories), ",".join(index.audience)
        obj.first_start, obj.last_end = index.first_start, index.last_end
        obj.time_index = timeindex.dumps(index.time_index)
        obj.revision, obj.source_sequence = revision, source_sequence
        if not schedule_tag.is_scheduling_object(index.calendar):
            obj.schedule_tag = None
        elif not (keep_schedule_tag and obj.schedule_tag):
            obj.schedule_tag = schedule_tag.new_tag(etag)
        if existing is None:
            self.session.add(obj)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:  # a concurrent writer took the name or UID first
            raise PreconditionFailed("Der Eintrag wurde gerade von jemand anderem angelegt.") from None
        sql_public_index.reindex(self.session, obj, index.calendar, index.time_index, utcnow())
        return obj.etag, existing is None

    def delete(
        self,
        calendar_id: int,
        name: str,
        *,
        if_match: str | None = None,
        source_sequence: int | None = None,
        if_schedule_tag_match: str | None = None,
    ) -> bool:
        """Turn the object into a tombstone; False if there was none."""
        revision = bump(self.session, calendar_id)
        existing = self.session.scalar(live(calendar_id).where(CalendarObject.name == name))
        _check_preconditions(existing, if_match, False, if_schedule_tag_match)
        if existing is None:
            return False
        existing.deleted, existing.ics, existing.time_index, existing.revision = True, "", None, revision
        sql_public_index.forget(self.session, existing.id)
        if source_sequence is not None:
            existing.source_sequence = source_sequence
        return True

    def retire(self, calendar_id: int, uid: str, name: str, source_sequence: int) -> None:
        """A booking that is gone: tombstone the live object, or record one, so that an older
        message arriving later cannot bring it back."""
        if self.delete(calendar_id, name, source_sequence=source_sequence):
            return
        self.session.add(
            CalendarObject(
                calendar_id=calendar_id,
                name=name,
                uid=uid,
                ics="",
                etag="",
                revision=bump(self.session, calendar_id),
                deleted=True,
                source_sequence=source_sequence,
            )
        )
        self.session.flush()

    # --- the public pages ----------------------------------------------------------------
    def set_hidden(self, calendar_id: int, name: str, hidden: bool) -> bool:
        """Take an event off the public pages (or back on); False if there is no such event.
        Not a change of the event: its ETag and the calendar's sync token stay."""
        obj = self.session.scalar(live(calendar_id).where(CalendarObject.name == name))
        if obj is None:
            return False
        sql_public_index.set_hidden(self.session, obj, hidden)
        return True

    def hidden_names(self, calendar_id: int) -> set[str]:
        return set(self.session.scalars(live(calendar_id, CalendarObject.name).where(CalendarObject.hidden.is_(True))))

    # --- caches ------------------------------------------------------------------------
    def state_key(self) -> tuple:
        """Changes whenever any calendar changes (revisions only grow; created_at tells a
        recreated calendar from an old one with the same id), and whenever the public pages'
        index is written without one (a refresh, a hiding): a cache key."""
        calendars = tuple(
            tuple(row)
            for row in self.session.execute(
                select(Calendar.id, Calendar.revision, Calendar.created_at).order_by(Calendar.id)
            )
        )
        return calendars + (self.session.scalar(select(func.max(PublicOffering.changed_at))),)


def _check_preconditions(
    existing: CalendarObject | None, if_match: str | None, if_none_match: bool, if_schedule_tag_match: str | None = None
) -> None:
    if if_none_match and existing is not None:
        raise PreconditionFailed("Diesen Eintrag gibt es schon (If-None-Match: *).")
    if if_match is not None:
        tags = {t.strip() for t in if_match.split(",")}
        if existing is None or ("*" not in tags and existing.etag not in tags):
            raise PreconditionFailed("Der Eintrag wurde inzwischen geändert; bitte neu laden (ETag passt nicht).")
    if if_schedule_tag_match is not None and not schedule_tag.matches(
        if_schedule_tag_match, existing.schedule_tag if existing else None
    ):  # RFC 6638 §8.3
        raise PreconditionFailed("Der Termin wurde inzwischen vom Organisator geändert (Schedule-Tag passt nicht).")
