"""Reading the rooms database: plain SQLAlchemy queries, no Flask."""
from __future__ import annotations

from datetime import datetime

from datetime import time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from services.rooms.domain import Closure, Holding, RoomRules, Slot
from services.rooms.models import Booking, ClosureRow, Occurrence, Room, RoomRulesRow

UPCOMING_LIMIT = 100


def active_rooms(session: Session) -> list[Room]:
    return list(session.scalars(select(Room).where(Room.active).order_by(Room.district, Room.name, Room.id)))


def room(session: Session, room_id: int) -> Room | None:
    found = session.get(Room, room_id)
    return found if found is not None and found.active else None


HOLDING_COLUMNS = (Occurrence.booking_id, Booking.booker_partner_id, Booking.title, Occurrence.starts_at,
                   Occurrence.ends_at, Occurrence.blocked_until)


def holdings(session: Session, room_id: int, slot: Slot) -> list[Holding]:
    """Valid occurrences of the room whose occupied time (buffer included) may touch the slot."""
    return holdings_between(session, room_id, slot.starts_at, slot.ends_at)


def holdings_between(session: Session, room_id: int, start, end, slack=None) -> list[Holding]:
    """Valid occurrences of the room occupying any time in [start - slack, end + slack): one
    query for a whole series; the domain decides exactly which date collides with which."""
    from datetime import timedelta

    slack = slack or timedelta(hours=4)  # longer than any buffer, so buffered ends are found
    rows = session.execute(
        select(*HOLDING_COLUMNS).join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, Occurrence.state == "valid",
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
    if session.get_bind().dialect.name != "postgresql":
        return holdings_between(session, room_id, min(s.starts_at for s in slots), max(s.ends_at for s in slots))
    from sqlalchemy import bindparam
    from sqlalchemy.dialects.postgresql import TSTZMULTIRANGE, Range

    wanted = bindparam("wanted", [Range(s.starts_at, s.ends_at + buffer, bounds="[)") for s in slots],
                       type_=TSTZMULTIRANGE)
    rows = session.execute(
        select(*HOLDING_COLUMNS).join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, Occurrence.state == "valid", _during().op("&&")(wanted))
        .order_by(Occurrence.starts_at))
    return [Holding(*row) for row in rows]


def _during():
    """The generated tstzrange column of the PostgreSQL migration (not mapped: SQLite lacks it)."""
    from sqlalchemy import literal_column

    return literal_column("occurrences.during")


def lock_room(session: Session, room_id: int) -> Room | None:
    """The room, locked for the rest of the transaction (PostgreSQL: FOR UPDATE), so writes to
    one room happen one after the other and the conflict check sees every committed booking.
    SQLite already takes its write lock at BEGIN (shared.db)."""
    query = select(Room).where(Room.id == room_id, Room.active)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


def rules_of(session: Session, room_id: int) -> RoomRules:
    row = session.get(RoomRulesRow, room_id)
    if row is None:
        return RoomRules()
    return RoomRules(opening={k: (time.fromisoformat(a), time.fromisoformat(b)) for k, (a, b) in (row.opening or {}).items()},
                     min_minutes=row.min_minutes, max_minutes=row.max_minutes, max_days_ahead=row.max_days_ahead,
                     buffer_minutes=row.buffer_minutes, approval_required=row.approval_required)


def closures_of(session: Session, room: Room) -> list[Closure]:
    """Closures of this room and those of all rooms of its partner."""
    rows = session.scalars(select(ClosureRow).where(
        ClosureRow.partner_id == room.partner_id,
        or_(ClosureRow.room_id == room.id, ClosureRow.room_id.is_(None))).order_by(ClosureRow.first_day))
    return [Closure(r.first_day, r.last_day, r.reason, r.room_id) for r in rows]


def upcoming(session: Session, room_id: int, now: datetime) -> list[Holding]:
    rows = session.execute(
        select(*HOLDING_COLUMNS).join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, Occurrence.state == "valid", Occurrence.ends_at > now)
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
    if booking is None or viewer is None:
        return None
    if viewer.is_coordination or viewer.partner_id in (booking.booker_partner_id, booking.room.partner_id):
        return booking
    return None


def free_rooms(session: Session, slot: Slot, district: str = "", capacity: int = 0, equipment=(), step_free=False) -> list[Room]:
    """Active rooms matching the filters with no valid occurrence (buffer included) in the slot."""
    from sqlalchemy import and_, exists, func

    if session.get_bind().dialect.name == "postgresql":  # the GiST index of the exclusion constraint
        overlap = _during().op("&&")(func.tstzrange(slot.starts_at, slot.ends_at, "[)"))
    else:
        overlap = and_(Occurrence.starts_at < slot.ends_at,
                       func.coalesce(Occurrence.blocked_until, Occurrence.ends_at) > slot.starts_at)
    busy = exists().where(and_(Occurrence.room_id == Room.id, Occurrence.state == "valid", overlap))
    query = select(Room).where(Room.active, ~busy, Room.capacity >= capacity)
    if district:
        query = query.where(Room.district == district)
    if step_free:
        query = query.where(Room.step_free)
    rooms = session.scalars(query.order_by(Room.district, Room.name, Room.id)).all()
    return [r for r in rooms if set(equipment) <= set(r.equipment or [])]
