"""A room's photos: add one (a prepared picture and what it shows), change what they say,
move one up or down, remove one. Each change audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.identity.store import Principal
from shared.images import PreparedImage

from services.rooms import domain
from services.rooms.booking import notices
from services.rooms.booking.errors import InvalidInput, RoomNotFound, require
from services.rooms.db import photos as stored, queries
from services.rooms.db.models import Room, RoomPhoto
from services.rooms.domain import permissions


def _managed(session: Session, actor: Principal, room_id: int) -> Room:
    room = queries.any_room(session, room_id)
    if room is None:
        raise RoomNotFound(room_id)
    require(permissions.can_update_room(room, actor), "room")
    return room


def _alt(alt: str) -> str:
    if problem := domain.alt_problem(alt):
        raise InvalidInput({"alt": problem})
    return alt.strip()


def _photo(session: Session, room: Room, photo_id: int) -> RoomPhoto:
    found = stored.photo_of(session, room.id, photo_id)
    if found is None:
        raise InvalidInput({"photo": "photo_not_found"})
    return found


def add_photo(session: Session, actor: Principal, room_id: int, picture: PreparedImage, alt: str) -> RoomPhoto:
    """The new photo goes last."""
    room = _managed(session, actor, room_id)
    alt = _alt(alt)
    if len(room.photos) >= domain.rooms.MAX_PHOTOS:
        raise InvalidInput({"picture": "too_many_photos"})
    photo = RoomPhoto(room_id=room.id, position=len(room.photos), digest=stored.keep(session, picture), alt=alt)
    room.photos.append(photo)
    session.flush()
    notices.audit(session, actor, "photo_added", room_id=room.id, photo=photo.id, digest=photo.digest, alt=alt)
    return photo


def describe_photo(session: Session, actor: Principal, room_id: int, photo_id: int, alt: str) -> None:
    room = _managed(session, actor, room_id)
    photo, alt = _photo(session, room, photo_id), _alt(alt)
    if alt != photo.alt:
        notices.audit(session, actor, "photo_described", room_id=room.id, photo=photo.id, alt=[photo.alt, alt])
        photo.alt = alt


def move_photo(session: Session, actor: Principal, room_id: int, photo_id: int, step: int) -> None:
    """One place earlier (step -1) or later (+1); at either end nothing moves."""
    room = _managed(session, actor, room_id)
    photo = _photo(session, room, photo_id)
    order = list(room.photos)
    at = order.index(photo)
    to = at + (1 if step > 0 else -1)
    if not 0 <= to < len(order):
        return
    order[at], order[to] = order[to], order[at]
    _number(order)
    notices.audit(session, actor, "photo_moved", room_id=room.id, photo=photo.id, position=[at + 1, to + 1])


def remove_photo(session: Session, actor: Principal, room_id: int, photo_id: int) -> None:
    room = _managed(session, actor, room_id)
    photo = _photo(session, room, photo_id)
    notices.audit(session, actor, "photo_removed", room_id=room.id, photo=photo.id, digest=photo.digest, alt=photo.alt)
    room.photos.remove(photo)
    _number(room.photos)
    session.flush()
    stored.forget_unused(session, photo.digest)


def _number(order: list[RoomPhoto]) -> None:
    for position, photo in enumerate(order):
        photo.position = position
