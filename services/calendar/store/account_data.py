"""What the calendar holds about one account, for its export and its erasure (DSGVO; the
messages are handled by shared.account_data).

Calendars belong to partners and rooms, never to a person, and their events are the partner's
(who wrote one is not recorded). The one per-account value is who last asked for an offering's
room (OfferingRoom.account_id: the room is booked in their name, and asked for again in their
name before the booked year runs out). Export: those offerings. Erase: the asker is forgotten;
the offering keeps its room until the booked days run out, and the next person who edits the
offering asks for it again in their own name. The same for who invited a room to an event
(RoomInvitation.account_id; exported with the event's UID and title); the rooms' REPLYs in
their schedule inbox are exported whole and deleted. Likewise who last invited a person to an
event (InvitedPerson.account_id; exported with the event's UID, title and the person's address,
then forgotten). And who set up or last changed a calendar source (CalendarSource.account_id;
exported with its address and the remote user name they entered, never the password; then
forgotten: the source is the partner's and goes on being pulled)."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shared.account_data import Gathered
from shared.contracts import EXPORT_ROWS

from services.calendar.store.models import (
    CalendarSource,
    InvitedPerson,
    OfferingRoom,
    RoomInvitation,
    ScheduleInboxMessage,
)


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
    invited = session.scalars(
        select(RoomInvitation)
        .where(RoomInvitation.account_id == account_id)
        .order_by(RoomInvitation.id)
        .limit(EXPORT_ROWS + 1)
    )
    part.add(
        "room_invitations",
        [
            {
                "event": r.uid,
                "title": r.title,
                "room_id": r.room_id,
                "state": r.state,
                "booking_id": r.booking_id,
                "updated_at": r.updated_at,
            }
            for r in invited
        ],
    )
    people = session.scalars(
        select(InvitedPerson)
        .where(InvitedPerson.account_id == account_id)
        .order_by(InvitedPerson.id)
        .limit(EXPORT_ROWS + 1)
    )
    part.add(
        "invited_people",
        [
            {
                "event": p.uid,
                "title": p.summary,
                "person": p.address.removeprefix("mailto:"),
                "invited": bool(p.fingerprint),
                "messages": p.requests,
                "updated_at": p.updated_at,
            }
            for p in people
        ],
    )
    replies = session.scalars(
        select(ScheduleInboxMessage)
        .where(ScheduleInboxMessage.account_id == account_id)
        .order_by(ScheduleInboxMessage.id)
        .limit(EXPORT_ROWS + 1)
    )
    part.add("schedule_inbox", [{"received_at": m.created_at, "message": m.ics} for m in replies])
    sources = session.scalars(
        select(CalendarSource)
        .where(CalendarSource.account_id == account_id)
        .order_by(CalendarSource.id)
        .limit(EXPORT_ROWS + 1)
    )
    part.add(
        "calendar_sources",
        [{"kind": s.kind, "url": s.url, "username": s.username, "created_at": s.created_at} for s in sources],
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
    invited = session.scalars(
        update(RoomInvitation)
        .where(RoomInvitation.account_id == account_id)
        .values(account_id=None)
        .returning(RoomInvitation.id)
        .execution_options(synchronize_session=False)
    ).all()
    people = session.scalars(
        update(InvitedPerson)
        .where(InvitedPerson.account_id == account_id)
        .values(account_id=None)
        .returning(InvitedPerson.id)
        .execution_options(synchronize_session=False)
    ).all()
    replies = session.execute(delete(ScheduleInboxMessage).where(ScheduleInboxMessage.account_id == account_id))
    sources = session.scalars(
        update(CalendarSource)
        .where(CalendarSource.account_id == account_id)
        .values(account_id=None)
        .returning(CalendarSource.id)
        .execution_options(synchronize_session=False)
    ).all()
    return {
        "offering_rooms": len(asked),
        "room_invitations": len(invited),
        "invited_people": len(people),
        "schedule_inbox": int(getattr(replies, "rowcount", 0) or 0),
        "calendar_sources": len(sources),
    }
