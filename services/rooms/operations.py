"""What the rooms service does, one transaction each: the change and the messages it causes
(transactional outbox) are committed together. Used by the web views, the API and the demo
loader; no Flask here. Errors carry codes and data; the HTTP layer words them."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared import outbox
from shared.identity.store import Principal

from services.rooms import domain, queries
from services.rooms.models import Booking, Occurrence, OutboxMessage, Room


class RoomsError(Exception):
    pass


class InvalidInput(RoomsError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


class RoomNotFound(RoomsError):
    pass


class NotAllowed(RoomsError):
    pass


class BookingConflict(RoomsError):
    """The slot is taken; `conflict` is what the booker may see of the holder (None when the
    database refused the insert and the winner is no longer visible)."""

    def __init__(self, conflict: domain.Conflict | None):
        super().__init__(conflict)
        self.conflict = conflict


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "23P01"


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
    if not (editor.is_coordination or editor.partner_id == room.partner_id):
        raise NotAllowed("not_owner")
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
    problems = domain.room_problems(values.get("name", ""), int(values["capacity"]), values["equipment"])
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
              now: datetime | None = None) -> Booking:
    """Book one slot for `booker`: validated, conflict-checked, stored with its two messages."""
    now = now or outbox.utcnow()
    room = queries.room(session, room_id)
    if room is None:
        raise RoomNotFound(room_id)
    if booker.partner_id is None:
        raise NotAllowed("no_partner")
    slot = domain.Slot(starts_at, ends_at)
    problems = domain.problems(slot, title, now)
    if problems:
        raise InvalidInput(problems)
    slot = domain.Slot(starts_at.astimezone(timezone.utc), ends_at.astimezone(timezone.utc))
    conflict = domain.first_conflict(slot, queries.holdings(session, room.id, slot), booker.partner_id)
    if conflict:
        session.rollback()
        raise BookingConflict(conflict)
    try:
        booking = _insert(session, booker, room, slot, title.strip(), public, public_url, partner_name_of)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if not _is_exclusion_violation(exc):
            raise
        # another request took the slot between our check and our insert: the database said no
        raise BookingConflict(domain.first_conflict(slot, queries.holdings(session, room.id, slot),
                                                    booker.partner_id)) from None
    return booking


def _insert(session, booker, room, slot, title, public, public_url, partner_name_of) -> Booking:
    booking = Booking(room_id=room.id, booker_account_id=booker.account_id, booker_partner_id=booker.partner_id,
                      title=title, status="confirmed", sequence=0, public=bool(public))
    session.add(booking)
    session.flush()
    booking.uid = Booking.uid_for(booking.id)
    booking.occurrences.append(Occurrence(room_id=room.id, starts_at=slot.starts_at, ends_at=slot.ends_at, state="valid"))
    session.flush()  # the exclusion constraint speaks here, before any message is queued
    occurrences = [{"starts_at": o.starts_at, "ends_at": o.ends_at, "state": o.state} for o in booking.occurrences]
    outbox.add(session, OutboxMessage, "calendar.booking_changed", booking_id=booking.id, uid=booking.uid,
               sequence=booking.sequence, room_id=room.id, partner_id=booking.booker_partner_id,
               title=booking.title, status=booking.status, public=booking.public, occurrences=occurrences)
    outbox.add(session, OutboxMessage, "notify.booking_notice", kind="confirmed", booking_id=booking.id,
               uid=booking.uid, sequence=booking.sequence, title=booking.title,
               room={"id": room.id, "name": room.name, "address": room.address or "",
                     "partner_name": partner_name_of(room.partner_id)},
               recipient=_recipient(booker), occurrences=occurrences,
               link=f"{public_url.rstrip('/')}/rooms/bookings/{booking.id}")
    return booking


def _recipient(p: Principal) -> dict:
    return {"account_id": p.account_id, "name": p.display_name, "email": p.email or "",
            "phone": p.phone or "", "language": p.language if p.language in ("de", "en") else "de"}
