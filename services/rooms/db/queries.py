"""Reading the rooms database: rooms, their rules and closures, bookings, the approval queue and
the audit log. Plain SQLAlchemy, no Flask. What occupies a room, and which rooms are free, is
in occupancy.py."""

from __future__ import annotations

from collections.abc import Collection
from datetime import time

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from services.rooms.db.models import AuditEntry, Booking, ClosureRow, Occurrence, Room, RoomRulesRow
from services.rooms.domain import Closure, RoomRules, permissions


def active_rooms(session: Session, inactive_partners: Collection[int] = ()) -> list[Room]:
    """The offered rooms; not those of `inactive_partners` (deactivated in identity), if given."""
    query = select(Room).where(Room.active).options(selectinload(Room.photos))
    if inactive_partners:
        query = query.where(Room.partner_id.not_in(list(inactive_partners)))
    return list(session.scalars(query.order_by(Room.district, Room.name, Room.id)))


def room(session: Session, room_id: int) -> Room | None:
    found = session.get(Room, room_id)
    return found if found is not None and found.active else None


def rooms_of_partner(session: Session, partner_id: int, ceiling: int = 1000) -> list[Room]:
    """Every room of a partner, offered or not (a partner has a handful)."""
    return list(session.scalars(select(Room).where(Room.partner_id == partner_id).order_by(Room.id).limit(ceiling)))


def any_room(session: Session, room_id: int) -> Room | None:
    """The room, offered or retired (its page, its bookings, its administration)."""
    return session.get(Room, room_id)


def coming_dates(session: Session, room_id: int, now) -> int:
    """How many dates hold or ask for the room from now on (booked, or waiting for approval)."""
    return session.execute(
        select(func.count())
        .select_from(Occurrence)
        .where(Occurrence.room_id == room_id, Occurrence.state.in_(("valid", "pending")), Occurrence.ends_at > now)
    ).scalar_one()


def retired_rooms(session: Session, viewer) -> list[Room]:
    """Rooms no longer offered that the viewer's side manages (permissions.can_update_room, as SQL)."""
    query = select(Room).where(~Room.active).order_by(Room.name, Room.id)
    if not permissions.oversees_network(viewer):
        query = query.where(Room.partner_id == viewer.partner_id)
    return list(session.scalars(query))


def lock_room(session: Session, room_id: int) -> Room | None:
    """The room, locked for the rest of the transaction (PostgreSQL: FOR UPDATE), so writes to
    one room happen one after the other and the conflict check sees every committed booking.
    SQLite already takes its write lock at BEGIN (shared.db)."""
    query = select(Room).where(Room.id == room_id, Room.active)
    if is_postgres(session):
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


RULES_COLUMNS = (
    RoomRulesRow.opening,
    RoomRulesRow.min_minutes,
    RoomRulesRow.max_minutes,
    RoomRulesRow.max_days_ahead,
    RoomRulesRow.buffer_minutes,
    RoomRulesRow.approval_required,
)
CLOSURE_COLUMNS = (ClosureRow.first_day, ClosureRow.last_day, ClosureRow.reason, ClosureRow.room_id)


def rules_from_columns(
    opening, min_minutes, max_minutes, max_days_ahead, buffer_minutes, approval_required
) -> RoomRules:
    """RoomRules from the columns of a room_rules row; all None (no row) gives the defaults."""
    if min_minutes is None:
        return RoomRules()
    return RoomRules(
        opening={k: (time.fromisoformat(a), time.fromisoformat(b)) for k, (a, b) in (opening or {}).items()},
        min_minutes=min_minutes,
        max_minutes=max_minutes,
        max_days_ahead=max_days_ahead,
        buffer_minutes=buffer_minutes,
        approval_required=approval_required,
    )


def rules_of(session: Session, room_id: int) -> RoomRules:
    return rules_from_columns(
        *(
            session.execute(select(*RULES_COLUMNS).where(RoomRulesRow.room_id == room_id)).first()
            or (None,) * len(RULES_COLUMNS)
        )
    )


def applies_to(room) -> ColumnElement[bool]:
    """Closures of this room and those of all rooms of its partner (`room`: the Room entity or a row)."""
    return and_(
        ClosureRow.partner_id == room.partner_id, or_(ClosureRow.room_id == room.id, ClosureRow.room_id.is_(None))
    )


def closures_of(session: Session, room: Room) -> list[Closure]:
    """Closures of this room and those of all rooms of its partner."""
    rows = session.execute(select(*CLOSURE_COLUMNS).where(applies_to(room)).order_by(ClosureRow.first_day))
    return [Closure(*row) for row in rows]


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def bookings_of(session: Session, account_id: int) -> list[Booking]:
    return list(
        session.scalars(
            select(Booking)
            .where(Booking.booker_account_id == account_id)
            .options(selectinload(Booking.occurrences), selectinload(Booking.room))
            .order_by(Booking.id.desc())
            .limit(500)
        )
    )


def booking_for(session: Session, booking_id: int, viewer) -> Booking | None:
    """The booking if the viewer may see it in full: its booker's partner, the room's owner, or
    the coordination office. Anyone else gets None, as if it did not exist."""
    booking = session.get(Booking, booking_id)
    return booking if booking is not None and permissions.can_see_details(booking, viewer) else None


def approval_queue(session: Session, actor) -> list[Booking]:
    """Requested bookings of the actor's rooms (all rooms for the coordination office):
    permissions.can_decide, as SQL."""
    query = select(Booking).join(Room, Room.id == Booking.room_id).where(Booking.status == "requested")
    if not permissions.oversees_network(actor):
        query = query.where(Room.partner_id == actor.partner_id)
    return list(session.scalars(query.order_by(Booking.created_at)))


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
