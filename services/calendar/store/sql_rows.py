"""What the SQL store's parts share: rows to plain values, the column sets reports read, the
live-objects query, the time-range pre-filter and the revision bump. Kept apart so that each
part imports these and none imports another part."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, cast, func, or_, select, update
from sqlalchemy.orm import Session

from services.calendar.store.models import Calendar, CalendarObject
from services.calendar.store.records import CalendarInfo, ObjectInfo


def calendar_info(c: Calendar) -> CalendarInfo:
    return CalendarInfo(
        id=c.id,
        slug=c.slug,
        kind=c.kind,
        owner_partner_id=c.owner_partner_id,
        room_id=c.room_id,
        displayname=c.displayname,
        description=c.description,
        color=c.color,
        public=c.public,
        revision=c.revision,
        created_at=c.created_at,
        timezone=c.timezone,
        order=c.sort_order,
        components=tuple(filter(None, (c.components or "VEVENT").split(","))),
        read_only=bool(c.read_only),
    )


def object_info(o: CalendarObject, with_data: bool) -> ObjectInfo:
    return ObjectInfo(
        name=o.name,
        uid=o.uid,
        etag=o.etag,
        revision=o.revision,
        public=o.public,
        categories=tuple(filter(None, o.categories.split(","))),
        audience=tuple(filter(None, o.audience.split(","))),
        first_start=o.first_start,
        last_end=o.last_end,
        source_sequence=o.source_sequence,
        data=o.ics.encode("utf-8") if with_data else None,
        schedule_tag=o.schedule_tag,
    )


INFO_COLUMNS = (
    CalendarObject.name,
    CalendarObject.uid,
    CalendarObject.etag,
    CalendarObject.revision,
    CalendarObject.public,
    CalendarObject.categories,
    CalendarObject.audience,
    CalendarObject.first_start,
    CalendarObject.last_end,
    CalendarObject.source_sequence,
    CalendarObject.schedule_tag,
)
REPORT_COLUMNS = (*INFO_COLUMNS, CalendarObject.ics)


def row_info(row, with_data: bool = True) -> ObjectInfo:
    """An ObjectInfo from INFO_COLUMNS and then the text (with_data) or its size in bytes."""
    name, uid, etag, revision, public, categories, audience, first_start, last_end, sequence, tag, last = row
    data = last.encode("utf-8") if with_data else None
    return ObjectInfo(
        name,
        uid,
        etag,
        revision,
        public,
        _split(categories),
        _split(audience),
        first_start,
        last_end,
        sequence,
        data,
        len(data) if data is not None else last,  # None exactly when not with_data
        schedule_tag=tag,
    )


def _split(joined: str) -> tuple[str, ...]:
    return tuple(filter(None, joined.split(","))) if joined else ()


def live(calendar_id: int, *columns):
    """The calendar's live objects (or those columns of them)."""
    return select(*(columns or (CalendarObject,))).where(
        CalendarObject.calendar_id == calendar_id, CalendarObject.deleted.is_(False)
    )


def in_range(query, start: datetime | None, end: datetime | None, component: str | None = None):
    """Only objects whose indexed UTC span can meet [start, end) (None: open)."""
    if component is not None:
        query = query.where(CalendarObject.component == component)
    if end is not None:
        query = query.where(or_(CalendarObject.first_start.is_(None), CalendarObject.first_start < end))
    if start is not None:  # >=: an instant (DTSTART only) at the range's start is in it (RFC 4791 §9.9)
        query = query.where(or_(CalendarObject.last_end.is_(None), CalendarObject.last_end >= start))
    return query


def bump(session: Session, calendar_id: int) -> int:
    """The calendar's next revision. The UPDATE's row lock serialises the writers of one
    calendar until the transaction ends, so the checks that follow see a settled state."""
    return session.execute(
        update(Calendar)
        .where(Calendar.id == calendar_id)
        .values(revision=Calendar.revision + 1)
        .returning(Calendar.revision)
    ).scalar_one()


def octets(session: Session, text_column):
    """The column's size in bytes of UTF-8, computed by the database (no data sent)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.octet_length(text_column)
    return func.length(cast(text_column, LargeBinary))


def chunks(items: list, size: int = 1000):
    """Lists for IN (...) of a bounded length (a bind parameter each)."""
    return (items[i : i + size] for i in range(0, len(items), size))
