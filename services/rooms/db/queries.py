"""Reading the rooms database: plain SQLAlchemy queries, no Flask."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import (Date, Integer, Interval, Row, String, and_, bindparam, cast, exists, func, literal, literal_column,
                        or_, select)
from sqlalchemy.dialects.postgresql import TSTZMULTIRANGE, aggregate_order_by
from sqlalchemy.orm import Session, selectinload

from services.rooms.domain import Closure, Holding, RoomRules, Slot, permissions, violations
from services.rooms.db.models import AuditEntry, Booking, ClosureRow, Occurrence, Room, RoomRulesRow, UTCDateTime

UPCOMING_LIMIT = 100


def active_rooms(session: Session) -> list[Room]:
    return list(session.scalars(select(Room).where(Room.active).order_by(Room.district, Room.name, Room.id)))


def room(session: Session, room_id: int) -> Room | None:
    found = session.get(Room, room_id)
    return found if found is not None and found.active else None


# Written into the SQL text, not bound: the GiST indexes are partial (WHERE state = 'valid'), and
# a prepared statement's generic plan can use them only when the value is in the text.
HOLDS_ROOM = Occurrence.state == literal_column("'valid'")

HOLDING_COLUMNS = (Occurrence.booking_id, Booking.booker_partner_id, Booking.title, Occurrence.starts_at,
                   Occurrence.ends_at, Occurrence.blocked_until)


def holdings(session: Session, room_id: int, slot: Slot) -> list[Holding]:
    """Valid occurrences of the room whose occupied time (buffer included) may touch the slot."""
    return holdings_between(session, room_id, slot.starts_at, slot.ends_at)


def holdings_between(session: Session, room_id: int, start, end, slack=None) -> list[Holding]:
    """Valid occurrences of the room occupying any time in [start - slack, end + slack): one
    query for a whole series; the domain decides exactly which date collides with which."""
    slack = slack or timedelta(hours=4)  # longer than any buffer, so buffered ends are found
    rows = session.execute(
        select(*HOLDING_COLUMNS).join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, HOLDS_ROOM,
               Occurrence.starts_at < end + slack, Occurrence.ends_at > start - slack)
        .order_by(Occurrence.starts_at))
    return [Holding(*row) for row in rows]


def holdings_for(session: Session, room_id: int, slots: list[Slot], buffer) -> list[Holding]:
    """Valid occurrences of the room that may collide with any of the wanted slots (each slot
    occupying [start, end + buffer), as domain.collides sees it). On PostgreSQL one probe of the
    exclusion constraint's GiST index with all slots as a multirange: a 52-week series then reads
    only the rows it collides with, not a year of the room's bookings."""
    if not slots:
        return []
    if not _postgres(session):
        return holdings_between(session, room_id, min(s.starts_at for s in slots), max(s.ends_at for s in slots))
    wanted = _multirange([Slot(s.starts_at, s.ends_at + buffer) for s in slots])
    rows = session.execute(
        select(*HOLDING_COLUMNS).join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, HOLDS_ROOM, _during().op("&&")(wanted))
        .order_by(Occurrence.starts_at))
    return [Holding(*row) for row in rows]


def _during():
    """The generated tstzrange column of the PostgreSQL migration (not mapped: SQLite lacks it)."""
    return literal_column("occurrences.during")


def lock_room(session: Session, room_id: int) -> Room | None:
    """The room, locked for the rest of the transaction (PostgreSQL: FOR UPDATE), so writes to
    one room happen one after the other and the conflict check sees every committed booking.
    SQLite already takes its write lock at BEGIN (shared.db)."""
    query = select(Room).where(Room.id == room_id, Room.active)
    if _postgres(session):
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


RULES_COLUMNS = (RoomRulesRow.opening, RoomRulesRow.min_minutes, RoomRulesRow.max_minutes,
                 RoomRulesRow.max_days_ahead, RoomRulesRow.buffer_minutes, RoomRulesRow.approval_required)
CLOSURE_COLUMNS = (ClosureRow.first_day, ClosureRow.last_day, ClosureRow.reason, ClosureRow.room_id)


def _rules(opening, min_minutes, max_minutes, max_days_ahead, buffer_minutes, approval_required) -> RoomRules:
    """RoomRules from the columns of a room_rules row; all None (no row) gives the defaults."""
    if min_minutes is None:
        return RoomRules()
    return RoomRules(opening={k: (time.fromisoformat(a), time.fromisoformat(b)) for k, (a, b) in (opening or {}).items()},
                     min_minutes=min_minutes, max_minutes=max_minutes, max_days_ahead=max_days_ahead,
                     buffer_minutes=buffer_minutes, approval_required=approval_required)


def rules_of(session: Session, room_id: int) -> RoomRules:
    return _rules(*(session.execute(select(*RULES_COLUMNS).where(RoomRulesRow.room_id == room_id)).first()
                    or (None,) * len(RULES_COLUMNS)))


def applies_to(room) -> object:
    """Closures of this room and those of all rooms of its partner (`room`: the Room entity or a row)."""
    return and_(ClosureRow.partner_id == room.partner_id, or_(ClosureRow.room_id == room.id, ClosureRow.room_id.is_(None)))


def closures_of(session: Session, room: Room) -> list[Closure]:
    """Closures of this room and those of all rooms of its partner."""
    rows = session.execute(select(*CLOSURE_COLUMNS).where(applies_to(room)).order_by(ClosureRow.first_day))
    return [Closure(*row) for row in rows]


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
    if not _postgres(session):
        found = room(session, room_id)
        if found is None:
            return None
        terms = RoomTerms(found.id, found.partner_id, rules_of(session, room_id), closures_of(session, found))
        return terms, holdings_for(session, room_id, slots, terms.rules.buffer)
    row = session.execute(_room_and_holdings_query(), {"room_id": room_id, "wanted": _multirange_text(slots)}).first()
    if row is None:
        return None
    closures = [Closure(date.fromisoformat(a), date.fromisoformat(b), reason, rid) for a, b, reason, rid in row[-2] or ()]
    holdings = [Holding(booking_id, partner_id, title, _utc(starts), _utc(ends), _utc(until) if until else None)
                for booking_id, partner_id, title, starts, ends, until in row[-1] or ()]
    return RoomTerms(row[0], row[1], _rules(*row[2:-2]), closures), holdings


@cache
def _room_and_holdings_query():
    """Built once: constructing this statement costs more Python time than running it."""
    buffered = func.tstzrange(func.lower(literal_column("w")), func.upper(literal_column("w")) +
                              _minutes(func.coalesce(RoomRulesRow.buffer_minutes, 0)), "[)")
    wanted = (select(func.range_agg(buffered))
              .select_from(func.unnest(cast(bindparam("wanted", type_=String), TSTZMULTIRANGE))
                           .table_valued("w").render_derived(name="wanted"))
              .correlate(RoomRulesRow))
    held = (select(func.json_agg(aggregate_order_by(func.json_build_array(*HOLDING_COLUMNS), Occurrence.starts_at)))
            .join(Booking, Booking.id == Occurrence.booking_id)
            .where(Occurrence.room_id == Room.id, HOLDS_ROOM, _during().op("&&")(wanted.scalar_subquery()))
            .scalar_subquery())
    closed = (select(func.json_agg(aggregate_order_by(func.json_build_array(*CLOSURE_COLUMNS), ClosureRow.first_day)))
              .where(applies_to(Room)).scalar_subquery())
    return (select(Room.id, Room.partner_id, *RULES_COLUMNS, closed, held)
            .outerjoin(RoomRulesRow, RoomRulesRow.room_id == Room.id)
            .where(Room.id == bindparam("room_id"), Room.active))


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def _multirange(slots: list[Slot]):
    return cast(bindparam("wanted", _multirange_text(slots), type_=String), TSTZMULTIRANGE)


def _multirange_text(slots: list[Slot]) -> str:
    """The slots as a tstzmultirange literal, sent as text (quicker than dumping 52 Range
    objects one by one)."""
    return "{" + ",".join(f"[{s.starts_at.isoformat()},{s.ends_at.isoformat()})" for s in slots) + "}"


def read_without_transaction(session: Session) -> None:
    """For a session that has not begun yet, on PostgreSQL: run its statements in autocommit,
    saving the BEGIN and ROLLBACK round trips. Only for reads that are one statement each
    (room_and_holdings: one statement, one snapshot); the session's next transaction is
    ordinary again, as the pool resets the connection when the session gives it back."""
    if _postgres(session) and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def upcoming(session: Session, room_id: int, now: datetime) -> list[Holding]:
    rows = session.execute(
        select(*HOLDING_COLUMNS).join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, HOLDS_ROOM, Occurrence.ends_at > now)
        .order_by(Occurrence.starts_at)
        .limit(UPCOMING_LIMIT)
    )
    return [Holding(*row) for row in rows]


def bookings_of(session: Session, account_id: int) -> list[Booking]:
    return list(session.scalars(
        select(Booking).where(Booking.booker_account_id == account_id)
        .options(selectinload(Booking.occurrences), selectinload(Booking.room))
        .order_by(Booking.id.desc()).limit(500)))


def booking_for(session: Session, booking_id: int, viewer) -> Booking | None:
    """The booking if the viewer may see it in full: its booker's partner, the room's owner, or
    the coordination office. Anyone else gets None, as if it did not exist."""
    booking = session.get(Booking, booking_id)
    return booking if booking is not None and permissions.can_see_details(booking, viewer) else None


AUDIT_LIMIT = 500


def audit_for(session: Session, viewer) -> list[AuditEntry]:
    """The newest audit entries the viewer may see: everything for the coordination office, else
    those of bookings and rooms of the viewer's partner (permissions.can_see_details, as SQL)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_LIMIT)
    if not permissions.oversees_network(viewer):
        bookings = select(Booking.id).where(Booking.booker_partner_id == viewer.partner_id)
        rooms = select(Room.id).where(Room.partner_id == viewer.partner_id)
        query = query.where(or_(AuditEntry.booking_id.in_(bookings), AuditEntry.room_id.in_(rooms)))
    return list(session.scalars(query))


def free_rooms(session: Session, slot: Slot, district: str = "", capacity: int = 0, equipment=(), step_free=False, *,
               now: datetime, tz: ZoneInfo) -> list[Row]:
    """Active rooms (rows with the rooms table's columns as attributes, no ORM objects) matching
    the filters that could be booked for the slot: no valid occurrence
    collides with it (the room's buffer after it included, as domain.collides sees it), no
    closure covers its days, and its other rules allow it (opening hours, duration, lead time).

    One query; on PostgreSQL the busy test is one index-only scan of the partial GiST index
    over `during` of valid occurrences (migration c7e1a9d4b2f0), see _busy."""
    if slot.starts_at < now:
        return []  # nothing can be booked in the past (series.check: "in_past")
    values = {"free_start": slot.starts_at, "free_end": slot.ends_at, "capacity": capacity, "district": district,
              "first_day": slot.starts_at.astimezone(tz).date(), "last_day": slot.ends_at.astimezone(tz).date()}
    rows = session.execute(_free_rooms_query(_postgres(session), bool(district), bool(step_free)), values)
    wanted = set(equipment)
    by_default = not violations(slot, RoomRules(), (), now, tz)  # closures were asked of the database
    found = []
    for row in rows:
        rules = row[-len(RULES_COLUMNS):]
        allowed = by_default if rules[1] is None else not violations(slot, _rules(*rules), (), now, tz)
        if allowed and wanted <= set(row.equipment or []):
            found.append(row)
    return found


@cache
def _free_rooms_query(postgres: bool, by_district: bool, step_free: bool):
    """Built once per shape (constructing it costs more Python time than running it)."""
    closed = exists().where(applies_to(Room), ClosureRow.first_day <= bindparam("last_day", type_=Date),
                            ClosureRow.last_day >= bindparam("first_day", type_=Date))
    query = (select(*Room.__table__.columns, *RULES_COLUMNS).outerjoin(RoomRulesRow, RoomRulesRow.room_id == Room.id)
             .where(Room.active, Room.capacity >= bindparam("capacity", type_=Integer), ~_busy(postgres), ~closed))
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
        collides = and_(Occurrence.starts_at < buffered_end,
                        func.coalesce(Occurrence.blocked_until, Occurrence.ends_at) > start)
    return exists().where(Occurrence.room_id == Room.id, HOLDS_ROOM, collides)


def _minutes(count):
    return count * literal_column("interval '1 minute'", Interval)
