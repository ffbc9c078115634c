"""Calendar collections on SQLAlchemy: create, change, delete (MKCALENDAR, PROPPATCH, DELETE)
and the changes since a revision (sync-collection). A part of SqlStore (store/sql.py) that
needs only its session and the shared helpers of sql_rows.py."""

from __future__ import annotations

from sqlalchemy import Row, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from services.calendar.store.errors import SlugTaken
from services.calendar.store.models import Calendar, CalendarObject
from services.calendar.store.records import CALENDAR_SETTINGS, CalendarInfo, Change, ObjectInfo
from services.calendar.store.sql_rows import bump, calendar_info, chunks, object_info

# the column of each setting a client may change (the interface's keys, in their order)
_COLUMNS = dict(zip(CALENDAR_SETTINGS, ("displayname", "description", "color", "timezone", "sort_order")))


class SqlCalendars:
    session: Session

    def create_calendar(self, partner_id: int, slug: str, settings: dict) -> CalendarInfo:
        calendar = Calendar(
            slug=slug,
            kind="partner",
            owner_partner_id=partner_id,
            displayname=slug,
            description="",
            public=True,
            revision=1,
            room_revision=-1,
            components=",".join(settings.get("components", ("VEVENT",))),  # fixed from MKCALENDAR on
        )
        _apply(calendar, {k: v for k, v in settings.items() if k != "components"})
        self.session.add(calendar)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:  # a concurrent MKCALENDAR took the slug first
            raise SlugTaken(f"Die Adresse {slug} ist schon vergeben.") from None
        return calendar_info(calendar)

    def update_calendar(self, calendar_id: int, settings: dict) -> CalendarInfo:
        bump(self.session, calendar_id)  # ctag and sync-token move, clients re-read the properties
        calendar = self.session.get(Calendar, calendar_id, populate_existing=True)
        assert calendar is not None  # bump found its row (scalar_one) and holds its lock
        _apply(calendar, settings)
        self.session.flush()
        return calendar_info(calendar)

    def delete_calendar(self, calendar_id: int) -> None:
        """Objects and tombstones go with it: its sync tokens end with the collection."""
        self.session.execute(delete(CalendarObject).where(CalendarObject.calendar_id == calendar_id))
        self.session.execute(delete(Calendar).where(Calendar.id == calendar_id))

    def changes_since(
        self, calendar_id: int, since: int | None, upto: int, limit: int | None, with_data: bool
    ) -> tuple[list[Change], bool]:
        """Members changed in (since, upto], oldest change first, each name once with its latest
        state; all live members when `since` is None. Reads only rows past `since` through the
        (calendar_id, revision) index, so the work follows the changes, not the calendar's size.
        Returns (changes, truncated) with at most `limit` changes."""
        query = select(CalendarObject.id, CalendarObject.name, CalendarObject.revision, CalendarObject.deleted).where(
            CalendarObject.calendar_id == calendar_id, CalendarObject.revision <= upto
        )
        if since is None:
            query = query.where(CalendarObject.deleted.is_(False))
        else:
            query = query.where(CalendarObject.revision > since)
        latest: dict[str, Row[int, str, int, bool]] = {}
        for row in self.session.execute(query.order_by(CalendarObject.revision)):
            latest.pop(row.name, None)  # re-insert: dict order follows the latest revision
            latest[row.name] = row
        rows = list(latest.values())
        truncated = limit is not None and len(rows) > limit
        if truncated:
            rows = rows[:limit]
        objects: dict[int, ObjectInfo] = {}
        for chunk in chunks([r.id for r in rows if not r.deleted]):
            objects_query = select(CalendarObject).where(CalendarObject.id.in_(chunk))
            if not with_data:
                objects_query = objects_query.options(defer(CalendarObject.ics))
            for o in self.session.scalars(objects_query):
                objects[o.id] = object_info(o, with_data)
        return [Change(r.name, r.revision, None if r.deleted else objects[r.id]) for r in rows], truncated


def _apply(calendar: Calendar, settings: dict) -> None:
    for key, value in settings.items():
        setattr(calendar, _COLUMNS[key], value)
