"""The calendar's history of public dates (HeldDate), for the figures of past months.

The public index rewrites an offering's dates whenever the offering is stored again and keeps
them only from about two months back (sql_public_index.WINDOW_BACK). So each date is copied from
the index once it has begun, as it stands at that moment, and never touched again: a change, a
cancellation or a deletion afterwards leaves the history as it was. A mark says how far the
history reaches: [since, until). `record` moves `until` on by one slice per transaction; a date
that begins before `until` is the history's, one from `until` on still the index's
(sql_figures.py counts each date from exactly one of the two).

A date that is entered only after it began, behind the mark, is not recorded: the mark never
goes back, so a series edited after its dates (which gives them new keys) is not counted twice."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.calendar.domain.ical import parse_calendar
from services.calendar.store.models import (
    Calendar,
    CalendarObject,
    HeldDate,
    HeldDatesMark,
    PublicDate,
    PublicOffering,
)
from services.calendar.store.sql_public_index import WINDOW_BACK, reindex

SLICE = timedelta(days=1)  # the dates beginning in one day: one transaction
MARK_ID = 1
COPIED = (
    "offering_id",
    "calendar_id",
    "uid",
    "partner_id",
    "district",
    "categories",
    "audiences",
    "starts_at",
    "ends_at",
    "key",
    "cancelled",
    "public",
)


def reach(session: Session) -> tuple[datetime, datetime] | None:
    """(since, until) of the history; None before it began."""
    mark = session.get(HeldDatesMark, MARK_ID)
    return None if mark is None else (_aware(mark.since), _aware(mark.until))


def begin(session: Session, since: datetime) -> bool:
    """Start the history at `since` unless it has begun; True when it starts here."""
    if session.get(HeldDatesMark, MARK_ID) is not None:
        return False
    session.add(HeldDatesMark(id=MARK_ID, since=since, until=since))
    session.flush()
    return True


def record(session: Session, now: datetime, span: timedelta = SLICE) -> tuple[int, bool]:
    """Copy the index's dates that began in the next `span` after the mark (not after `now`) and
    move the mark past them: (dates recorded, whether more time is left before `now`). The mark
    row is locked first, so two runs at once copy a slice once; the first run ever starts at the
    index's oldest day."""
    begin(session, now - WINDOW_BACK)
    mark = session.scalars(select(HeldDatesMark).where(HeldDatesMark.id == MARK_ID).with_for_update()).one()
    start = _aware(mark.until)
    end = min(now, start + span)
    if end <= start:
        return 0, False
    recorded = _copy(session, start, end)
    mark.until = end
    return recorded, end < now


def backfill(session: Session, since: datetime, now: datetime) -> int:
    """Start the history at `since` with the dates since then as the stored events give them
    today, as if each had been recorded when it began; nothing when the history has begun. For
    the demo, which is loaded with a year of its offerings behind it: on real data the history
    begins with the first run of `record`, since what the events say today of their past dates
    need not be what took place. Every object is indexed as on the day `since` lies two months
    back, recorded, then indexed as of `now` again. Returns how many dates were recorded."""
    if not begin(session, since):
        return 0
    objects = session.scalars(
        select(CalendarObject).where(CalendarObject.deleted.is_(False), CalendarObject.component == "VEVENT")
    ).all()
    parsed = {}
    for obj in objects:
        try:
            parsed[obj.id] = parse_calendar(obj.ics.encode("utf-8"))
        except ValueError:
            continue  # stored before it was checked: nothing public to record
        reindex(session, obj, parsed[obj.id], None, since + WINDOW_BACK)
    recorded, _more = record(session, now, span=now - since)
    for obj in objects:
        if obj.id in parsed:
            reindex(session, obj, parsed[obj.id], None, now)
    return recorded


def _copy(session: Session, start: datetime, end: datetime) -> int:
    offering, date = PublicOffering, PublicDate
    shown = and_(Calendar.public.is_(True), offering.hidden.is_(False))
    dates = (
        select(
            date.offering_id,
            offering.calendar_id,
            offering.uid,
            offering.partner_id,
            offering.district,
            offering.categories,
            offering.audiences,
            date.starts_at,
            date.ends_at,
            date.key,
            date.cancelled,
            shown,
        )
        .join(offering, offering.object_id == date.offering_id)
        .join(Calendar, Calendar.id == offering.calendar_id)
        .where(date.starts_at >= start, date.starts_at < end)
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # a date already there (the unique index) stays as first recorded
    statement = dialect.insert(HeldDate).from_select(COPIED, dates).on_conflict_do_nothing()
    return len(session.execute(statement.returning(HeldDate.id)).all())


def _aware(moment: datetime) -> datetime:
    """SQLite (make run) gives back UTC without its zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
