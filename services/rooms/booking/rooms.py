"""Offering rooms: create and update a room, announced to the calendar through the outbox and
written to the audit log (old -> new) in the caller's unit of work (the demo loader,
administration). No Flask here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import outbox
from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices
from services.rooms.booking.errors import InvalidInput, RoomNotFound, require
from services.rooms.db import queries
from services.rooms.db.models import OutboxMessage, Room
from services.rooms.domain import permissions

ROOM_FIELDS = (
    "name",
    "district",
    "address",
    "floor",
    "capacity",
    "equipment",
    "equipment_other",
    *domain.ACCESS,
    "description",
    "house_rules",
    "active",
)
_TEXTS = tuple(f for f in domain.rooms.TEXTS if f != "name")


def create_room(
    session: Session,
    partner_id: int,
    *,
    by: Principal | None = None,
    districts: tuple[str, ...] = (),
    equipment_keys: tuple[str, ...] = (),
    **values,
) -> Room:
    """`by`: who offers it (None: the demo loader); `districts`, `equipment_keys`: the allowed
    ones, if checked."""
    room = Room(partner_id=partner_id, revision=0, **_room_values(values, districts, equipment_keys))
    session.add(room)
    session.flush()
    notices.audit(session, by, "room_created", room_id=room.id, partner=partner_id, values=state_of(room))
    room_changed(session, room)
    return room


def update_room(
    session: Session,
    room_id: int,
    editor: Principal | None,
    *,
    districts: tuple[str, ...] = (),
    equipment_keys: tuple[str, ...] = (),
    **values,
) -> Room:
    room = session.get(Room, room_id)
    if room is None:
        raise RoomNotFound(room_id)
    require(permissions.can_update_room(room, editor), "room")
    before = state_of(room)
    for field, value in _room_values(before | values, districts, equipment_keys).items():
        setattr(room, field, value)
    changes = {f: [before[f], new] for f, new in state_of(room).items() if new != before[f]}
    if changes:
        room.revision += 1
        notices.audit(session, editor, "room_changed", room_id=room.id, changes=changes)
        room_changed(session, room)
    return room


def state_of(room: Room) -> dict:
    """The room's offer as plain values, to compare before and after a change."""
    return {f: list(v) if isinstance(v := getattr(room, f), list) else v for f in ROOM_FIELDS}


def _room_values(values: dict, districts: tuple[str, ...] = (), equipment_keys: tuple[str, ...] = ()) -> dict:
    unknown = set(values) - set(ROOM_FIELDS)
    if unknown:
        raise TypeError(f"unknown room fields {sorted(unknown)}")
    values = {"equipment": [], "capacity": 0, **values}
    values["equipment"] = list(dict.fromkeys(values["equipment"]))
    texts = {f: values[f] for f in _TEXTS if values.get(f) is not None}
    problems = domain.room_problems(
        values.get("name", ""), int(values["capacity"]), values["equipment"], districts, equipment_keys, **texts
    )
    if problems:
        raise InvalidInput(problems)
    values["name"] = values["name"].strip()
    return values


def room_changed(session: Session, room: Room) -> None:
    """Tell the calendar: the room's calendar and feeds follow its name, address and state, its
    principal's free/busy its buffer, opening hours and closures."""
    rules = queries.rules_of(session, room.id)
    outbox.add(
        session,
        OutboxMessage,
        "calendar.room_changed",
        room_id=room.id,
        partner_id=room.partner_id,
        name=room.name,
        district=room.district or "",
        address=room.address or "",
        floor=room.floor or "",
        capacity=room.capacity,
        step_free=room.step_free,
        active=room.active,
        revision=room.revision,
        buffer_minutes=rules.buffer_minutes,
        opening={
            day: {"opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
            for day, (opens, closes) in rules.opening.items()
        },
        closures=[{"first_day": c.first_day, "last_day": c.last_day} for c in queries.closures_of(session, room)],
    )


ANNOUNCE_CEILING = 10_000  # rooms announced by one announce_all (a network has dozens)


def announce_all(session: Session) -> int:
    """Every room again, each with a new revision (`treffpunkt announce-rooms`): after an upgrade
    the calendar learns what older messages did not carry (capacity, district, rules, closures)."""
    found = list(session.scalars(select(Room).order_by(Room.id).limit(ANNOUNCE_CEILING)))
    for room in found:
        room.revision += 1
        room_changed(session, room)
    return len(found)


def rules_changed(session: Session, room: Room, all_rooms: bool) -> None:
    """A room's rules or closures changed (with `all_rooms`, those of every room of its partner):
    each room concerned gets a new revision and tells the calendar."""
    concerned = queries.rooms_of_partner(session, room.partner_id) if all_rooms else [room]
    for each in concerned:
        each.revision += 1
        room_changed(session, each)
