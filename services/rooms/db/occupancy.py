"""What occupies a room: valid occurrences that collide with wanted slots (one GiST probe per
series on PostgreSQL), a room's terms together with them in one query, and the rooms free for a
window. Plain SQLAlchemy, no Flask."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    Integer,
    Interval,
    Row,
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import TSTZMULTIRANGE, aggregate_order_by
from sqlalchemy.orm import Session

from services.rooms.db.models import Booking, ClosureRow, Occurrence, Room, RoomRulesRow, UTCDateTime
from services.rooms.db.queries import (
    CLOSURE_COLUMNS,
    RULES_COLUMNS,
    applies_to,
    closures_of,
    is_postgres,
    room,
    rules_from_columns,
    rules_of,
)
from services.rooms.domain import Closure, Holding, RoomRules, Slot, violations

UPCOMING_LIMIT = 100

# Written into the SQL text, not bound: the GiST indexes are partial (WHERE state = 'valid'), and
# a prepared statement's generic plan can use them only when the value is in the text.
HOLDS_ROOM = Occurrence.state == literal_column("'valid'")

HOLDING_COLUMNS = (
    Occurrence.booking_id,
    Booking.booker_partner_id,
    Booking.title,
    Occurrence.starts_at,
    Occurrence.ends_at,
    Occurrence.blocked_until,
)


def holdings(session: Session, room_id: int, slot: Slot) -> list[Holding]:
    """Valid occurrences of the room whose occupied time (buffer included) may touch the slot."""
    return holdings_between(session, room_id, slot.starts_at, slot.ends_at)


def holdings_between(session: Session, room_id: int, start, end, slack=None) -> list[Holding]:
    """Valid occurrences of the room occupying any time in [start - slack, end + slack): one
    query for a whole series; the domain decides exactly which date collides with which."""
    slack = slack or timedelta(hours=4)  # longer than any buffer, so buffered ends are found
    rows = session.execute(
        select(*HOLDING_COLUMNS)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(
            Occurrence.room_id == room_id,
            HOLDS_ROOM,
            Occurrence.starts_at < end + slack,
            Occurrence.ends_at > start - slack,
        )
        .order_by(Occurrence.starts_at)
    )
    return [Holding(*row) for row in rows]


def holdings_for(session: Session, room_id: int, slots: list[Slot], buffer) -> list[Holding]:
    """Valid occurrences of the room that may collide with any of the wanted slots (each slot
    occupying [start, end + buffer), as domain.collides sees it). On PostgreSQL one probe of the
    exclusion constraint's GiST index with all slots as a multirange: a 52-week series then reads
    only the rows it collides with, not a year of the room's bookings."""
    if not slots:
        return []
    if not is_postgres(session):
        return holdings_between(session, room_id, min(s.starts_at for s in slots), max(s.ends_at for s in slots))
    wanted = _multirange([Slot(s.starts_at, s.ends_at + buffer) for s in slots])
    rows = session.execute(
        select(*HOLDING_COLUMNS)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, HOLDS_ROOM, _during().op("&&")(wanted))
        .order_by(Occurrence.starts_at)
    )
    return [Holding(*row) for row in rows]


def _during():
    """The generated tstzrange column of the PostgreSQL migration (not mapped: SQLite lacks it)."""
    return literal_column("occurrences.during")


@dataclass(frozen=True)
class RoomTerms:
    """What a conflict check needs of a room besides its bookings: whose it is, its rules and
    the closures that apply to it."""

    id: int
    partner_id: int
    rules: RoomRules
    closures: list[Closure]


def room_and_holdings(session: Session, room_id: int, slots: list[Slot]) -> tuple[RoomTerms, list[Holding]] | None:
    """The active room's terms and its valid occurrences that may collide with any of the
    slots, each slot followed by the room's buffer (holdings_for); None for no such room.

    On PostgreSQL this is one query (a series preview is then one round trip besides BEGIN and
    ROLLBACK): the room row with its rules, its closures and the holdings as JSON arrays, the
    holdings found by one probe of the exclusion constraint's GiST index with the wanted slots
    as a multirange whose ranges get the room's buffer added to their ends inside the query.
    (The multirange merges touching slots; buffering the merged ranges covers the same time.)"""
    if not is_postgres(session):
        found = room(session, room_id)
        if found is None:
            return None
        terms = RoomTerms(found.id, found.partner_id, rules_of(session, room_id), closures_of(session, found))
        return terms, holdings_for(session, room_id, slots, terms.rules.buffer)
    row = session.execute(_room_and_holdings_query(), {"room_id": room_id, "wanted": _multirange_text(slots)}).first()
    if row is None:
        return None
    closures = [
        Closure(date.fromisoformat(a), date.fromisoformat(b), reason, rid) for a, b, reason, rid in row[-2] or ()
    ]
    holdings = [
        Holding(booking_id, partner_id, title, _utc(starts), _utc(ends), _utc(until) if until else None)
        for booking_id, partner_id, title, starts, ends, until in row[-1] or ()
    ]
    return RoomTerms(row[0], row[1], rules_from_columns(*row[2:-2]), closures), holdings


@cache
def _room_and_holdings_query():
    """Built once: constructing this statement costs more Python time than running it."""
    buffered = func.tstzrange(
        func.lower(literal_column("w")),
        func.upper(literal_column("w")) + _minutes(func.coalesce(RoomRulesRow.buffer_minutes, 0)),
        "[)",
    )
    wanted = (
        select(func.range_agg(buffered))
        .select_from(
            func.unnest(cast(bindparam("wanted", type_=String), TSTZMULTIRANGE))
            .table_valued("w")
            .render_derived(name="wanted")
        )
        .correlate(RoomRulesRow)
    )
    held = (
        select(func.json_agg(aggregate_order_by(func.json_build_array(*HOLDING_COLUMNS), Occurrence.starts_at)))
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == Room.id, HOLDS_ROOM, _during().op("&&")(wanted.scalar_subquery()))
        .scalar_subquery()
    )
    closed = (
        select(func.json_agg(aggregate_order_by(func.json_build_array(*CLOSURE_COLUMNS), ClosureRow.first_day)))
        .where(applies_to(Room))
        .scalar_subquery()
    )
    return (
        select(Room.id, Room.partner_id, *RULES_COLUMNS, closed, held)
        .outerjoin(RoomRulesRow, RoomRulesRow.room_id == Room.id)
        .where(Room.id == bindparam("room_id"), Room.active)
    )


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def _multirange(slots: list[Slot]):
    return cast(bindparam("wanted", _multirange_text(slots), type_=String), TSTZMULTIRANGE)


def _multirange_text(slots: list[Slot]) -> str:
    """The slots as a tstzmultirange literal, sent as text (quicker than dumping 52 Range
    objects one by one)."""
    return "{" + ",".join(f"[{s.starts_at.isoformat()},{s.ends_at.isoformat()})" for s in slots) + "}"


@dataclass(frozen=True)
class Upcoming:
    """A coming date of a room with what its booking says; the page decides what a viewer sees
    of it (domain.permissions.can_see_details)."""

    booking_id: int
    partner_id: int  # the booker's partner
    title: str
    starts_at: datetime
    ends_at: datetime
    state: str  # "valid", or "pending" (waits for the owner's approval)
    account_id: int  # who booked it
    description: str
    booker_erased: bool = False  # the account that booked it was erased: "ehemaliges Konto"


def upcoming(session: Session, room_id: int, now: datetime, with_pending: bool = False) -> list[Upcoming]:
    """The room's next dates that hold it (and, `with_pending`, those waiting for approval)."""
    held = Occurrence.state.in_(("valid", "pending")) if with_pending else HOLDS_ROOM
    rows = session.execute(
        select(
            Occurrence.booking_id,
            Booking.booker_partner_id,
            Booking.title,
            Occurrence.starts_at,
            Occurrence.ends_at,
            Occurrence.state,
            Booking.booker_account_id,
            Booking.description,
            Booking.booker_erased,
        )
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, held, Occurrence.ends_at > now)
        .order_by(Occurrence.starts_at)
        .limit(UPCOMING_LIMIT)
    )
    return [Upcoming(*row) for row in rows]


def free_rooms(
    session: Session,
    slot: Slot,
    district: str = "",
    capacity: int = 0,
    equipment=(),
    step_free=False,
    *,
    now: datetime,
    tz: ZoneInfo,
    access=(),
    inactive_partners: Collection[int] = (),
) -> list[Row]:
    """Active rooms (rows with the rooms table's columns as attributes, no ORM objects) matching
    the filters that could be booked for the slot: no valid occurrence
    collides with it (the room's buffer after it included, as domain.collides sees it), every
    accessibility fact in `access` (domain.ACCESS) holds, no
    closure covers its days, and its other rules allow it (opening hours, duration, lead time).
    Rooms of `inactive_partners` (deactivated in identity) are left out.

    One query; on PostgreSQL the busy test is one index-only scan of the partial GiST index
    over `during` of valid occurrences (migration c7e1a9d4b2f0), see _busy."""
    if slot.starts_at < now:
        return []  # nothing can be booked in the past (booking.series.judge: "in_past")
    values = {
        "free_start": slot.starts_at,
        "free_end": slot.ends_at,
        "capacity": capacity,
        "district": district,
        "first_day": slot.starts_at.astimezone(tz).date(),
        "last_day": slot.ends_at.astimezone(tz).date(),
    }
    rows = session.execute(_free_rooms_query(is_postgres(session), bool(district), bool(step_free)), values)
    wanted = set(equipment)
    by_default = not violations(slot, RoomRules(), [], now, tz)  # closures were asked of the database
    found = []
    for row in rows:
        rules = row[-len(RULES_COLUMNS) :]
        allowed = by_default if rules[1] is None else not violations(slot, rules_from_columns(*rules), [], now, tz)
        if row.partner_id in inactive_partners:
            continue
        if allowed and wanted <= set(row.equipment or []) and all(getattr(row, fact) for fact in access):
            found.append(row)
    return found


@cache
def _free_rooms_query(postgres: bool, by_district: bool, step_free: bool):
    """Built once per shape (constructing it costs more Python time than running it)."""
    closed = exists().where(
        applies_to(Room),
        ClosureRow.first_day <= bindparam("last_day", type_=Date),
        ClosureRow.last_day >= bindparam("first_day", type_=Date),
    )
    query = (
        select(*Room.__table__.columns, *RULES_COLUMNS)
        .outerjoin(RoomRulesRow, RoomRulesRow.room_id == Room.id)
        .where(Room.active, Room.capacity >= bindparam("capacity", type_=Integer), ~_busy(postgres), ~closed)
    )
    if by_district:
        query = query.where(Room.district == bindparam("district", type_=String))
    if step_free:
        query = query.where(Room.step_free)
    return query.order_by(Room.district, Room.name, Room.id)


def _busy(postgres: bool):
    """EXISTS a valid occurrence of the outer room that collides with the slot followed by that
    room's buffer (domain.collides: it starts before the buffered end and is still occupied at
    the start)."""
    buffer = func.coalesce(RoomRulesRow.buffer_minutes, 0)
    start, end = bindparam("free_start", type_=UTCDateTime), bindparam("free_end", type_=UTCDateTime)
    if postgres:
        # one scan of ix_occurrences_valid_during over the window plus the largest buffer of any
        # room, answered from the index (room_id, starts_at are included); then each room's own
        widest = select(func.coalesce(func.max(RoomRulesRow.buffer_minutes), 0)).scalar_subquery()
        window = func.tstzrange(start, end + _minutes(widest), "[)")
        collides = and_(_during().op("&&")(window), Occurrence.starts_at < end + _minutes(buffer))
    else:  # SQLite keeps naive UTC text; strftime adds the buffer in the same sortable form
        buffered_end = func.strftime("%Y-%m-%d %H:%M:%f", end, literal("+") + buffer.cast(String) + literal(" minutes"))
        collides = and_(
            Occurrence.starts_at < buffered_end, func.coalesce(Occurrence.blocked_until, Occurrence.ends_at) > start
        )
    return exists().where(Occurrence.room_id == Room.id, HOLDS_ROOM, collides)


def _minutes(count):
    return count * literal_column("interval '1 minute'", Interval)
