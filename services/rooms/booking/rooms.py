"""Offering rooms: create and update a room, announced to the calendar through the outbox in
the caller's unit of work (the demo loader, administration). No Flask here."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared import outbox
from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking.errors import InvalidInput, RoomNotFound, require
from services.rooms.db.models import OutboxMessage, Room
from services.rooms.domain import permissions

ROOM_FIELDS = ("name", "district", "address", "capacity", "equipment", "step_free", "description", "active")


def create_room(session: Session, partner_id: int, **values) -> Room:
    room = Room(partner_id=partner_id, revision=0, **_room_values(values))
    session.add(room)
    session.flush()
    _room_changed(session, room)
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
    outbox.add(
        session,
        OutboxMessage,
        "calendar.room_changed",
        room_id=room.id,
        partner_id=room.partner_id,
        name=room.name,
        district=room.district or "",
        address=room.address or "",
        capacity=room.capacity,
        step_free=room.step_free,
        active=room.active,
        revision=room.revision,
    )
