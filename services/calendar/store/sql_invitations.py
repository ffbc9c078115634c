"""Rooms invited to events (RoomInvitation): an invitation recorded with the message that
carries it (rooms.book_for_invitation, through the outbox, in the same transaction), and the
room's answers (calendar.room_invitation_answer) in the order rooms sent them.

Lock order, so that a PUT and an answer of the same calendar never wait on each other in a
circle: first the calendar (`lock_calendar`, as the store's writes do), then the rows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from shared import outbox

from services.calendar.domain.invited_rooms import DEFAULT_TITLE
from services.calendar.store.models import Calendar, OutboxMessage, RoomInvitation


@dataclass(frozen=True)
class Invited:
    """What an invitation asks: the row's new state and the message's payload."""

    fingerprint: str
    title: str
    description: str
    dates: list[dict[str, Any]]  # InvitationDateV1: key, starts_at, ends_at
    keys: list[str]  # every date key of the invitation, all-day ones included
    account_id: int
    partner_id: int


class Invitations:
    def __init__(self, session: Session):
        self.session = session

    def lock_calendar(self, calendar_id: int) -> None:
        self.session.execute(select(Calendar.id).where(Calendar.id == calendar_id).with_for_update())

    def of_event(self, calendar_id: int, name: str, uid: str) -> list[RoomInvitation]:
        """The rows of the event at `name` (also of another UID that was there before) and of
        its UID (under an earlier name), locked."""
        query = select(RoomInvitation).where(
            RoomInvitation.calendar_id == calendar_id,
            or_(RoomInvitation.object_name == name, RoomInvitation.uid == uid),
        )
        return list(self.session.scalars(query.order_by(RoomInvitation.id).with_for_update()))

    def of_object(self, calendar_id: int, name: str, asked_only: bool = False) -> list[RoomInvitation]:
        query = select(RoomInvitation).where(
            RoomInvitation.calendar_id == calendar_id, RoomInvitation.object_name == name
        )
        if asked_only:  # rooms still asked for something (not released)
            return list(self.session.scalars(query.where(RoomInvitation.fingerprint != "")))
        return list(self.session.scalars(query.order_by(RoomInvitation.id).with_for_update()))

    def of_calendar(self, calendar_id: int) -> list[RoomInvitation]:
        query = select(RoomInvitation).where(
            RoomInvitation.calendar_id == calendar_id, RoomInvitation.fingerprint != ""
        )
        return list(self.session.scalars(query.order_by(RoomInvitation.id).with_for_update()))

    def renewal_due(self, before: datetime, limit: int) -> list[tuple[int, str, int]]:
        """(calendar, object name, inviter) of events with a booked room untouched since
        `before`, oldest first: their window of dates ahead is to be moved on."""
        query = (
            select(RoomInvitation.calendar_id, RoomInvitation.object_name, RoomInvitation.account_id)
            .where(
                RoomInvitation.state == "booked",
                RoomInvitation.account_id.is_not(None),
                RoomInvitation.updated_at < before,
            )
            .group_by(RoomInvitation.calendar_id, RoomInvitation.object_name, RoomInvitation.account_id)
            .order_by(func.min(RoomInvitation.updated_at))
            .limit(limit)
        )
        return [(c, n, a) for c, n, a in self.session.execute(query) if a is not None]

    def touch(self, calendar_id: int, name: str, now: datetime) -> None:
        """The event's rooms were looked at `now` (renewal_due passes them over for a while)."""
        for row in self.of_object(calendar_id, name):
            row.updated_at = now

    def by_invitation(self, invitation_uid: str, room_id: int, lock: bool = False) -> RoomInvitation | None:
        query = select(RoomInvitation).where(
            RoomInvitation.invitation_uid == invitation_uid, RoomInvitation.room_id == room_id
        )
        return self.session.scalar(query.with_for_update() if lock else query)

    def invite(
        self, calendar_id: int, name: str, uid: str, room_id: int, row: RoomInvitation | None, asked: Invited
    ) -> RoomInvitation:
        """Record what the room is asked now and queue it for rooms (sequence + 1)."""
        if row is None:
            row = RoomInvitation(
                calendar_id=calendar_id,
                uid=uid,
                room_id=room_id,
                invitation_uid=invitation_uid(calendar_id, uid),
                sequence=0,
                answered_sequence=-1,
                booking_sequence=-1,
                partstats="{}",
            )
            self.session.add(row)
        row.object_name, row.sequence = name, (row.sequence or 0) + 1
        row.fingerprint, row.title, row.keys = asked.fingerprint, asked.title, json.dumps(asked.keys)
        row.account_id = asked.account_id
        self._send(row, asked.account_id, asked.partner_id, asked.description, asked.dates)
        return row

    def release(self, row: RoomInvitation, account_id: int | None, partner_id: int | None) -> None:
        """The room is asked for nothing any more (taken off the event, event deleted): dates []."""
        if not row.fingerprint:
            return
        row.sequence += 1
        row.fingerprint, row.keys = "", "[]"
        self._send(row, account_id or row.account_id or 0, partner_id or 0, "", [])

    def _send(self, row: RoomInvitation, account_id: int, partner_id: int, description: str, dates: list) -> None:
        outbox.add(
            self.session,
            OutboxMessage,
            "rooms.book_for_invitation",
            invitation_uid=row.invitation_uid,
            room_id=row.room_id,
            sequence=row.sequence,
            account_id=account_id,
            partner_id=partner_id,
            title=row.title or DEFAULT_TITLE,
            description=description,
            dates=dates,
        )
        self.session.flush()

    def record_answer(self, row: RoomInvitation, message: dict[str, Any], answer: dict[str, list[str]]) -> None:
        row.answered_sequence, row.booking_sequence = message["sequence"], message["booking_sequence"]
        row.booking_id, row.state, row.reason = message["booking_id"], message["state"], message["reason"]
        row.partstats = json.dumps(answer, sort_keys=True)


def answer_of(row: RoomInvitation) -> dict[str, tuple[str, str]] | None:
    """The answer applied to the current invitation, None while rooms has not answered it."""
    if row.answered_sequence != row.sequence:
        return None
    return {key: (value[0], value[1]) for key, value in json.loads(row.partstats or "{}").items()}


def asked_keys(row: RoomInvitation) -> list[str]:
    keys: list[str] = json.loads(row.keys or "[]")
    return keys


def invitation_uid(calendar_id: int, uid: str) -> str:
    """Unique per calendar and event UID (the same UID may be in two partners' calendars)."""
    text = f"{calendar_id}:{uid}"
    return text if len(text) <= 255 else f"{calendar_id}:{hashlib.sha256(uid.encode()).hexdigest()}"
