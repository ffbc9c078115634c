"""People invited to events (InvitedPerson): each message to a person (notify.itip_request,
through the outbox, in the same transaction as the row's new state). Callers lock the calendar
first (Invitations.lock_calendar), as for the rooms."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared import outbox

from services.calendar.store.models import InvitedPerson, OutboxMessage


@dataclass(frozen=True)
class Itip:
    """One message to one person (the fields of ItipRequestV1 the row does not give)."""

    method: str  # REQUEST | CANCEL
    request_id: str
    organizer_email: str
    organizer_name: str
    summary: str
    ics: bytes
    account_id: int


class InvitedPeople:
    def __init__(self, session: Session):
        self.session = session

    def of_event(self, calendar_id: int, name: str, uid: str) -> list[InvitedPerson]:
        """Rows of the event at `name` (also of another UID there before) and of its UID, locked."""
        query = select(InvitedPerson).where(
            InvitedPerson.calendar_id == calendar_id,
            or_(InvitedPerson.object_name == name, InvitedPerson.uid == uid),
        )
        return list(self.session.scalars(query.order_by(InvitedPerson.id).with_for_update()))

    def of_object(self, calendar_id: int, name: str, lock: bool = True) -> list[InvitedPerson]:
        """The people still invited to the event at `name` (locked, unless only looked at)."""
        query = select(InvitedPerson).where(
            InvitedPerson.calendar_id == calendar_id,
            InvitedPerson.object_name == name,
            InvitedPerson.fingerprint != "",
        )
        query = query.order_by(InvitedPerson.id)
        return list(self.session.scalars(query.with_for_update() if lock else query))

    def of_calendar(self, calendar_id: int) -> list[InvitedPerson]:
        query = select(InvitedPerson).where(InvitedPerson.calendar_id == calendar_id, InvitedPerson.fingerprint != "")
        return list(self.session.scalars(query.order_by(InvitedPerson.id).with_for_update()))

    def row(self, calendar_id: int, uid: str, address: str) -> InvitedPerson:
        """The person's row, new (not yet added) when they were never invited to this UID."""
        return InvitedPerson(calendar_id=calendar_id, uid=uid, address=address, requests=0, fingerprint="")

    def send(self, row: InvitedPerson, message: Itip) -> None:
        """Queue `message` to the row's person and count it."""
        if row.id is None:
            self.session.add(row)
        row.requests = (row.requests or 0) + 1
        row.account_id = message.account_id or row.account_id
        outbox.add(
            self.session,
            OutboxMessage,
            "notify.itip_request",
            request_id=message.request_id,
            method=message.method,
            to=row.address.removeprefix("mailto:"),
            organizer_email=message.organizer_email,
            organizer_name=message.organizer_name[:200],
            summary=message.summary[:200],
            ics=message.ics.decode(),
            account_id=message.account_id,
        )
        self.session.flush()


def dropped_of(row: InvitedPerson) -> list[str]:
    keys: list[str] = json.loads(row.dropped or "[]")
    return keys
