"""What the rooms service does, one transaction each: the change and the messages it causes
(transactional outbox) are committed together. Used by the web views, the API and the demo
loader; no Flask here. Errors carry codes and data; the HTTP layer words them."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from shared import outbox
from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import series
from services.rooms.domain import permissions
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import (BookingConflict, BookingNotFound, InvalidInput, NotAllowed, RoomNotFound,
                                   RoomsError, SeriesConflict, require)
from services.rooms.db.models import Booking, OutboxMessage, Room


# the errors live in errors.py; re-exported here, where callers have always found them
__all__ = ["BookingConflict", "BookingNotFound", "InvalidInput", "NotAllowed", "RoomNotFound", "RoomsError",
           "SeriesConflict", "book_slot", "create_room", "update_room"]


# --- rooms ---------------------------------------------------------------------------------
ROOM_FIELDS = ("name", "district", "address", "capacity", "equipment", "step_free", "description", "active")


def create_room(session: Session, partner_id: int, **values) -> Room:
    room = Room(partner_id=partner_id, revision=0, **_room_values(values))
    session.add(room)
    session.flush()
    _room_changed(session, room)
    session.commit()
    return room


def update_room(session: Session, room_id: int, editor: Principal, **values) -> Room:
    room = session.get(Room, room_id)
    if room is None:
        raise RoomNotFound(room_id)
    require(permissions.can_update_room(room, editor), "room")
    merged = {f: getattr(room, f) for f in ROOM_FIELDS} | values
    for field, value in _room_values(merged).items():
        setattr(room, field, value)
    room.revision += 1
    _room_changed(session, room)
    session.commit()
    return room


def _room_values(values: dict) -> dict:
    unknown = set(values) - set(ROOM_FIELDS)
    if unknown:
        raise TypeError(f"unknown room fields {sorted(unknown)}")
    values = {"equipment": [], "capacity": 0, **values}
    values["equipment"] = list(dict.fromkeys(values["equipment"]))
    texts = {f: values[f] for f in ("district", "address", "description") if values.get(f) is not None}
    problems = domain.room_problems(values.get("name", ""), int(values["capacity"]), values["equipment"], **texts)
    if problems:
        raise InvalidInput(problems)
    values["name"] = values["name"].strip()
    return values


def _room_changed(session: Session, room: Room) -> None:
    outbox.add(session, OutboxMessage, "calendar.room_changed", room_id=room.id, partner_id=room.partner_id,
               name=room.name, district=room.district or "", address=room.address or "",
               capacity=room.capacity, step_free=room.step_free, active=room.active, revision=room.revision)


# --- bookings ------------------------------------------------------------------------------
def book_slot(session: Session, booker: Principal, room_id: int, starts_at: datetime, ends_at: datetime,
              title: str, public: bool, *, public_url: str, partner_name_of: Callable[[int], str],
              now: datetime | None = None, ctx: Ctx | None = None) -> Booking:
    """Book one slot for `booker`: a series of one date (see series.book)."""
    problems = domain.problems(domain.Slot(starts_at, ends_at), title, now or outbox.utcnow())
    if problems.get("starts_at") == "naive_time":
        raise InvalidInput(problems)
    ctx = ctx or Ctx(public_url=public_url, partner_name_of=partner_name_of,
                     principal_of=lambda account_id: booker if account_id == booker.account_id else None)
    if now is not None:
        ctx.now = now
    rec = one_off(starts_at, ends_at, ctx)
    if rec is None:
        raise InvalidInput(problems or {"ends_at": "crosses_midnight"})
    return series.book(session, booker, room_id, rec, title, public, ctx)


def one_off(starts_at: datetime, ends_at: datetime, ctx: Ctx) -> domain.Recurrence | None:
    """A single slot as a series of one local date; None when it does not end on the local day
    it starts (bookings over midnight are not offered)."""
    start, end = starts_at.astimezone(ctx.tz), ends_at.astimezone(ctx.tz)
    if end.date() != start.date():
        return None
    return domain.Recurrence(start.date(), start.time(), end.time())
