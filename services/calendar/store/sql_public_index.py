"""Keeps the public pages' index (PublicOffering, PublicDate) in step with the stored events.

The store calls `reindex` in the same transaction as each PUT and `forget` with each DELETE, so
the public calendar never shows what a client has already changed. Dates are kept for a window
around "now" (WINDOW_BACK .. WINDOW_AHEAD); `refresh` moves that window forward for open series
and indexes objects stored before this index existed (public_until NULL). It runs from beat.
The figures keep the dates that have begun beyond the window: sql_held_dates copies them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from icalendar import Calendar as ICalendar
from sqlalchemy import delete, func, insert, literal_column, or_, select, text, update
from sqlalchemy.orm import Session

from shared.clock import utcnow

from services.calendar.domain import timeindex
from services.calendar.domain.ical import parse_calendar
from services.calendar.domain.offering import Offering, OfferingDate, public_dates, read_offering
from services.calendar.domain.timeindex import TimeIndex
from services.calendar.store.models import LONGEST_DATE, Calendar, CalendarObject, PublicDate, PublicOffering

WINDOW_BACK = timedelta(days=62)  # the pages page back two months
WINDOW_AHEAD = timedelta(days=400)  # ... and forward a year; refresh keeps a month in hand
REFRESH_BEFORE = timedelta(days=370)
NEVER = datetime(9999, 1, 1, tzinfo=timezone.utc)  # nothing to refresh: not public or not recurring
REFRESH_BATCH = 200  # objects per refresh call (each is parsed): a bounded task


def reindex(
    session: Session, obj: CalendarObject, parsed: ICalendar | None, index: TimeIndex | None, now: datetime
) -> None:
    """Replace the object's entry with what `parsed` (its data) now says."""
    forget(session, obj.id)
    obj.public_until = NEVER
    calendar = session.get(Calendar, obj.calendar_id)
    if calendar is None or parsed is None or obj.component != "VEVENT" or obj.deleted:
        return
    offering = read_offering(parsed)
    partner_id = None
    if offering is not None:
        partner_id = calendar.owner_partner_id if calendar.kind == "partner" else offering.partner_id
    if offering is None or partner_id is None:
        return  # private, or a room booking that names no partner
    window_end = now + WINDOW_AHEAD
    dates = public_dates(parsed, index or timeindex.build(parsed, now), now - WINDOW_BACK, window_end)
    postgres = session.get_bind().dialect.name == "postgresql"
    row = _row(obj, offering, partner_id)
    if postgres:
        row["search"] = func.to_tsvector(literal_column("'german'"), _words(offering))
    session.execute(insert(PublicOffering).values(**row))
    if dates:
        session.execute(insert(PublicDate), [_date_row(obj.id, d) for d in dates])
    if not postgres:
        session.execute(
            text("INSERT INTO public_offering_search (rowid, text) VALUES (:id, :words)"),
            {"id": obj.id, "words": _words(offering)},
        )
    obj.public_until = window_end if offering.recurring else NEVER


def forget(session: Session, object_id: int) -> None:
    session.execute(delete(PublicDate).where(PublicDate.offering_id == object_id))
    session.execute(delete(PublicOffering).where(PublicOffering.object_id == object_id))
    if session.get_bind().dialect.name != "postgresql":
        session.execute(text("DELETE FROM public_offering_search WHERE rowid = :id"), {"id": object_id})


def set_hidden(session: Session, obj: CalendarObject, hidden: bool) -> None:
    obj.hidden = hidden
    session.execute(
        update(PublicOffering).where(PublicOffering.object_id == obj.id).values(hidden=hidden, changed_at=utcnow())
    )


def refresh(session: Session, now: datetime, batch: int = REFRESH_BATCH) -> int:
    """Index up to `batch` objects that are new to the index or whose window runs out within a
    month; returns how many. Call again while it returns `batch`."""
    due = session.scalars(
        select(CalendarObject)
        .where(
            CalendarObject.deleted.is_(False),
            or_(CalendarObject.public_until.is_(None), CalendarObject.public_until < now + REFRESH_BEFORE),
        )
        .order_by(CalendarObject.id)
        .limit(batch)
    ).all()
    for obj in due:
        try:
            parsed = parse_calendar(obj.ics.encode("utf-8"))
        except ValueError:
            parsed = None  # stored before it was checked: nothing public to show
        stored = timeindex.loads(obj.time_index) if obj.time_index else None
        reindex(session, obj, parsed, stored, now)
    return len(due)


def _row(obj: CalendarObject, offering: Offering, partner_id: int) -> dict:
    latitude, longitude = offering.geo or (None, None)
    return dict(
        object_id=obj.id,
        calendar_id=obj.calendar_id,
        partner_id=partner_id,
        uid=offering.uid[:300],
        title=offering.title or "Ohne Titel",
        description=offering.description,
        location=offering.location,
        district=offering.district,
        categories=_joined(offering.categories),
        audiences=_joined(offering.audiences),
        accessibility=_joined(offering.accessibility),
        cost=offering.cost,
        free=offering.free,
        easy_language=offering.easy_language,
        url=offering.url,
        image=offering.image,
        image_alt=offering.image_alt,
        color=offering.color,
        latitude=latitude,
        longitude=longitude,
        room_id=offering.room_id,
        recurring=offering.recurring,
        hidden=obj.hidden,
        changed_at=utcnow(),
    )


def _date_row(object_id: int, d: OfferingDate) -> dict:
    return dict(
        offering_id=object_id,
        starts_at=d.start,
        ends_at=d.end,
        all_day=d.all_day,
        cancelled=d.cancelled,
        moved=d.moved,
        note=d.note,
        key=d.key,
        local_minute=d.local_minute,
        spanning=d.end - d.start > LONGEST_DATE,
    )


def _joined(values: tuple[str, ...]) -> str:
    """ ",a,b,": every value between commas, so LIKE '%,a,%' finds exactly a."""
    return "," + "".join(v + "," for v in values)


def _words(offering: Offering) -> str:
    return " ".join(
        (offering.title, offering.description, offering.location, offering.easy_language, *offering.categories)
    )
