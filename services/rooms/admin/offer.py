"""Offer a room, change what it offers, retire it, offer it again."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from shared.identity.models import DISTRICTS
from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking.errors import InvalidInput, RoomNotFound, RoomStillBooked, require
from services.rooms.booking.rooms import create_room, update_room
from services.rooms.db import queries
from services.rooms.db.models import Room
from services.rooms.domain import permissions


def offer_room(
    session: Session,
    actor: Principal,
    partner_id: int,
    partners: Collection[int],
    values: dict,
    equipment_keys: tuple[str, ...],
) -> Room:
    """A new room of `partner_id` (one of the network's `partners`), offered at once, with
    equipment among `equipment_keys` (the shared vocabulary's)."""
    if partner_id not in partners:
        raise InvalidInput({"partner": "partner_unknown"})
    require(permissions.can_create_room(partner_id, actor), "create_room")
    return create_room(
        session, partner_id, by=actor, districts=DISTRICTS, equipment_keys=equipment_keys, **_offered(values)
    )


def edit_room(session: Session, actor: Principal, room_id: int, values: dict, equipment_keys: tuple[str, ...]) -> Room:
    """Change what the room offers (a retired room too: its past bookings show its name)."""
    return update_room(session, room_id, actor, districts=DISTRICTS, equipment_keys=equipment_keys, **_offered(values))


def retire_room(session: Session, actor: Principal, room_id: int, now: datetime) -> Room:
    """No new bookings from now on; refused while dates are still booked or requested
    (domain.retire_problem). The room is locked first, as a booking locks it, so no booking
    slips in between the count and the retiring. Retiring a retired room changes nothing."""
    room = queries.any_room(session, room_id)
    if room is None:
        raise RoomNotFound(room_id)
    require(permissions.can_retire_room(room, actor), "retire")
    if queries.lock_room(session, room_id) is None:
        return room
    coming = queries.coming_dates(session, room_id, now)
    if domain.retire_problem(coming):
        raise RoomStillBooked(coming)
    return update_room(session, room_id, actor, active=False)


def reoffer_room(session: Session, actor: Principal, room_id: int) -> Room:
    """Offer a retired room again (whoever may retire it): bookable and found from now on,
    audited and announced to the calendar as any change. An offered room stays as it is."""
    room = queries.any_room(session, room_id)
    if room is None:
        raise RoomNotFound(room_id)
    require(permissions.can_retire_room(room, actor), "retire")
    if room.active:
        return room
    return update_room(session, room_id, actor, active=True)


def _offered(values: dict) -> dict:
    """Whether a room is offered is retire_room's and reoffer_room's business, not a form's."""
    if "active" in values:
        raise TypeError("retire_room retires a room, reoffer_room offers it again")
    return values
