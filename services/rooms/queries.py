"""Reading the rooms database: plain SQLAlchemy queries, no Flask."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.rooms.domain import Holding, Slot
from services.rooms.models import Booking, Occurrence, Room

UPCOMING_LIMIT = 100


def active_rooms(session: Session) -> list[Room]:
    return list(session.scalars(select(Room).where(Room.active).order_by(Room.district, Room.name, Room.id)))


def room(session: Session, room_id: int) -> Room | None:
    found = session.get(Room, room_id)
    return found if found is not None and found.active else None


def holdings(session: Session, room_id: int, slot: Slot) -> list[Holding]:
    """Valid occurrences of the room that overlap the slot (half-open)."""
    rows = session.execute(
        select(Occurrence.booking_id, Booking.booker_partner_id, Booking.title, Occurrence.starts_at, Occurrence.ends_at)
        .join(Booking, Booking.id == Occurrence.booking_id)
        .where(Occurrence.room_id == room_id, Occurrence.state == "valid",
               Occurrence.starts_at < slot.ends_at, Occurrence.ends_at > slot.starts_at)
        .order_by(Occurrence.starts_at)
    )
    return [Holding(*row) for row in rows]


def upcoming(session: Session, room_id: int, now: datetime) -> list[Holding]:
    rows = session.execute(
        select(Occurrence.booking_id, Booking.booker_partner_id, Booking.title, Occurrence.starts_at, Occurrence.ends_at)
        .join(Booking, Booking.id == Occurrence.booking_id)
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
