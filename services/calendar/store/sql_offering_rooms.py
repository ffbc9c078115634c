"""The rooms offerings asked for (OfferingRoom): a wish recorded with the message that carries
it (in the same transaction, through the outbox), rooms' answer, and the booking's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import outbox

from services.calendar.store.models import OfferingRoom, OutboxMessage


@dataclass(frozen=True)
class RoomState:
    room_id: int | None
    state: str  # asked | booked | released | refused
    booking_status: str  # requested | confirmed | declined | cancelled, "" before rooms answered
    reason: str
    taken: tuple[date, ...]
    booking_id: int | None = None


class OfferingRooms:
    def __init__(self, session: Session):
        self.session = session

    def state(self, uid: str) -> RoomState | None:
        row = self.session.scalar(select(OfferingRoom).where(OfferingRoom.offering_uid == uid))
        return _state(row) if row else None

    def states(self, uids: list[str]) -> dict[str, RoomState]:
        if not uids:
            return {}
        rows = self.session.scalars(select(OfferingRoom).where(OfferingRoom.offering_uid.in_(uids)))
        return {row.offering_uid: _state(row) for row in rows}

    def ask(self, calendar_id: int, uid: str, room_id: int | None, **wish: Any) -> None:
        """Record the wish and queue it for rooms (rooms.book_for_offering) in this transaction.
        No room before and none now: nothing to ask."""
        row = self.session.scalar(select(OfferingRoom).where(OfferingRoom.offering_uid == uid).with_for_update())
        if row is None:
            if room_id is None:
                return
            row = OfferingRoom(offering_uid=uid, calendar_id=calendar_id, sequence=0)
            self.session.add(row)
        row.sequence = (row.sequence or 0) + 1
        row.room_id, row.state, row.reason, row.taken = room_id, "asked", "", ""
        row.account_id, row.booked_until = wish["account_id"], None
        if room_id is None:
            wish["repeat"] = None
        outbox.add(
            self.session,
            OutboxMessage,
            "rooms.book_for_offering",
            offering_uid=uid,
            sequence=row.sequence,
            room_id=room_id,
            **wish,
        )

    def booked_until(self, uid: str, last: date | None) -> None:
        """The last day the wish asked for, when the offering goes on after it (renewal_due)."""
        row = self.session.scalar(select(OfferingRoom).where(OfferingRoom.offering_uid == uid))
        if row is not None:
            row.booked_until = last

    def renewal_due(self, before: date, limit: int) -> list[tuple[str, int, int]]:
        """(uid, calendar id, account id) of booked offerings whose room is asked for only up to a
        day before `before`, those running out first; at most `limit`."""
        rows = self.session.execute(
            select(OfferingRoom.offering_uid, OfferingRoom.calendar_id, OfferingRoom.account_id)
            .where(
                OfferingRoom.booked_until < before,
                OfferingRoom.state == "booked",
                OfferingRoom.room_id.is_not(None),
                OfferingRoom.account_id.is_not(None),
                OfferingRoom.booking_status.not_in(("declined", "cancelled")),
            )
            .order_by(OfferingRoom.booked_until, OfferingRoom.id)
            .limit(limit)
        )
        return [(uid, calendar_id, account_id) for uid, calendar_id, account_id in rows if account_id is not None]

    def refused_here(self, calendar_id: int, uid: str, room_id: int, reason: str) -> None:
        """A wish the calendar cannot send (no date left to book): shown as refused."""
        row = self.session.scalar(select(OfferingRoom).where(OfferingRoom.offering_uid == uid))
        if row is None:
            row = OfferingRoom(offering_uid=uid, calendar_id=calendar_id, sequence=0)
            self.session.add(row)
        row.room_id, row.state, row.reason, row.taken = room_id, "refused", reason, ""

    def answered(self, message: dict[str, Any]) -> bool:
        """rooms' answer to the wish with this sequence; an answer to an older wish is ignored."""
        row = self.session.scalar(
            select(OfferingRoom).where(OfferingRoom.offering_uid == message["offering_uid"]).with_for_update()
        )
        if row is None or message["sequence"] < row.sequence:
            return False
        row.state, row.reason = message["state"], message["reason"]
        row.taken = ",".join(d.isoformat() for d in message["taken"])
        if message["state"] == "booked":
            if row.booking_id != message["booking_id"] or not row.booking_status:
                # a new booking: its status as answered (its own messages may have come first,
                # and were not yet recognised as this offering's)
                row.booking_id, row.booking_status = message["booking_id"], message["booking_status"]
        elif message["state"] == "released":
            row.booking_id, row.booking_status = None, ""
        return True

    def booking_changed(self, uid: str, booking_id: int, status: str) -> None:
        """A change of the offering's booking (approved, declined, cancelled by the owner). A
        message of a booking the offering has left (moved to another room) changes nothing."""
        row = self.session.scalar(select(OfferingRoom).where(OfferingRoom.offering_uid == uid).with_for_update())
        if row is not None and row.booking_id == booking_id:
            row.booking_status = status


def _state(row: OfferingRoom) -> RoomState:
    taken = tuple(date.fromisoformat(d) for d in row.taken.split(",") if d)
    return RoomState(row.room_id, row.state, row.booking_status, row.reason, taken, row.booking_id)
