"""A room's rules and closures: read and set by the owner's side only, audited, in the caller's
unit of work."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices, rooms
from services.rooms.booking.errors import ClosureNotFound, InvalidInput, RoomNotFound, require
from services.rooms.db import queries
from services.rooms.db.models import ClosureRow, Room, RoomRulesRow
from services.rooms.domain import permissions


def _owned_room(session: Session, actor: Principal, room_id: int, action: str = "rules") -> Room:
    room = queries.room(session, room_id)
    if room is None:
        raise RoomNotFound(room_id)
    allowed = permissions.can_manage_closures if action == "closures" else permissions.can_manage_rules
    require(allowed(room, actor), action)
    return room


def get_rules(session: Session, actor: Principal, room_id: int) -> dict:
    room = _owned_room(session, actor, room_id)
    return as_dict(queries.rules_of(session, room.id), queries.closures_of(session, room))


def as_dict(rules: domain.RoomRules, closures: list[domain.Closure]) -> dict:
    return {
        "opening": {k: [a.strftime("%H:%M"), b.strftime("%H:%M")] for k, (a, b) in rules.opening.items()},
        "min_minutes": rules.min_minutes,
        "max_minutes": rules.max_minutes,
        "max_days_ahead": rules.max_days_ahead,
        "buffer_minutes": rules.buffer_minutes,
        "approval_required": rules.approval_required,
        "closures": [
            {"first_day": c.first_day, "last_day": c.last_day, "reason": c.reason, "all_rooms": c.room_id is None}
            for c in closures
        ],
    }


def put_rules(session: Session, actor: Principal, room_id: int, values: dict) -> dict:
    """Replace the rules and closures of the room; closures with all_rooms apply to every room
    of the owner. Buffers change future bookings only (each stores the buffer it was made with)."""
    room = _owned_room(session, actor, room_id)
    try:
        opening = {k: (_clock(a), _clock(b)) for k, (a, b) in values.get("opening", {}).items()}
    except (ValueError, TypeError):
        raise InvalidInput({"opening": "opening_format"}) from None
    rules = domain.RoomRules(
        opening=opening,
        min_minutes=values.get("min_minutes", 0),
        max_minutes=values.get("max_minutes", domain.RoomRules().max_minutes),
        max_days_ahead=values.get("max_days_ahead", domain.RoomRules().max_days_ahead),
        buffer_minutes=values.get("buffer_minutes", 0),
        approval_required=bool(values.get("approval_required", False)),
    )
    closures = [
        domain.Closure(c["first_day"], c["last_day"], c.get("reason") or "", None if c.get("all_rooms") else room.id)
        for c in values.get("closures", [])
    ]
    found = domain.rules_problems(rules, closures)
    if found:
        raise InvalidInput(found)
    row = session.get(RoomRulesRow, room.id) or RoomRulesRow(room_id=room.id)
    row.opening = {k: [a.strftime("%H:%M"), b.strftime("%H:%M")] for k, (a, b) in opening.items()}
    row.min_minutes, row.max_minutes = rules.min_minutes, rules.max_minutes
    row.max_days_ahead, row.buffer_minutes = rules.max_days_ahead, rules.buffer_minutes
    row.approval_required = rules.approval_required
    session.add(row)
    session.execute(delete(ClosureRow).where(ClosureRow.room_id == room.id))
    if any(c.room_id is None for c in closures):  # the partner-wide list is replaced as a whole
        session.execute(
            delete(ClosureRow).where(ClosureRow.partner_id == room.partner_id, ClosureRow.room_id.is_(None))
        )
    for c in closures:
        session.add(
            ClosureRow(
                partner_id=room.partner_id,
                room_id=c.room_id,
                first_day=c.first_day,
                last_day=c.last_day,
                reason=c.reason,
            )
        )
    notices.audit(session, actor, "rules_changed", room_id=room.id, rules=as_dict(rules, closures))
    session.flush()  # the calendar is told the rules and closures as stored
    rooms.rules_changed(session, room, all_rooms=any(c.room_id is None for c in closures))
    return as_dict(queries.rules_of(session, room.id), queries.closures_of(session, room))


def change_rules(session: Session, actor: Principal, room_id: int, values: dict) -> dict:
    """Replace the rules given in `values` and keep the closures (the rules form)."""
    return put_rules(session, actor, room_id, {**get_rules(session, actor, room_id), **values})


def add_closure(session: Session, actor: Principal, room_id: int, closure: dict) -> dict:
    """One more closure beside those the room has (the closure form)."""
    current = get_rules(session, actor, room_id)
    return put_rules(session, actor, room_id, {**current, "closures": current["closures"] + [closure]})


def _clock(text: str) -> time:
    """ "08:00" as a wall-clock time; no seconds, no offset ("08:00+05:00" is not a local time)."""
    return datetime.strptime(text, "%H:%M").time()


def remove_closure(session: Session, actor: Principal, room_id: int, closure_id: int) -> None:
    """Remove one closure shown on the room's rules page (one of the room's own or one of all
    rooms of its partner), audited."""
    room = _owned_room(session, actor, room_id, "closures")
    row = session.scalars(select(ClosureRow).where(ClosureRow.id == closure_id, queries.applies_to(room))).first()
    if row is None:
        raise ClosureNotFound(closure_id)
    notices.audit(
        session,
        actor,
        "closure_removed",
        room_id=room.id,
        first_day=row.first_day,
        last_day=row.last_day,
        reason=row.reason,
        all_rooms=row.room_id is None,
    )
    session.delete(row)
    session.flush()
    rooms.rules_changed(session, room, all_rooms=row.room_id is None)
