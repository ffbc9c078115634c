"""What the calendar holds about one account, for its export and its erasure (DSGVO; the
messages are handled by shared.account_data).

Calendars belong to partners and rooms, never to a person, and their events are the partner's
(who wrote one is not recorded). The one per-account value is who last asked for an offering's
room (OfferingRoom.account_id: the room is booked in their name, and asked for again in their
name before the booked year runs out). Export: those offerings. Erase: the asker is forgotten;
the offering keeps its room until the booked days run out, and the next person who edits the
offering asks for it again in their own name."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.account_data import Gathered
from shared.contracts import EXPORT_ROWS

from services.calendar.store.models import OfferingRoom


def gather(session: Session, account_id: int) -> Gathered:
    part = Gathered()
    rows = session.scalars(
        select(OfferingRoom)
        .where(OfferingRoom.account_id == account_id)
        .order_by(OfferingRoom.id)
        .limit(EXPORT_ROWS + 1)
    )
    part.add(
        "offering_rooms",
        [
            {
                "offering": r.offering_uid,
                "room_id": r.room_id,
                "state": r.state,
                "booking_id": r.booking_id,
                "updated_at": r.updated_at,
            }
            for r in rows
        ],
    )
    return part


def erase(session: Session, account_id: int, _traces: list[str]) -> dict[str, int]:
    asked = session.scalars(
        update(OfferingRoom)
        .where(OfferingRoom.account_id == account_id)
        .values(account_id=None)
        .returning(OfferingRoom.id)
        .execution_options(synchronize_session=False)
    ).all()
    return {"offering_rooms": len(asked)}
