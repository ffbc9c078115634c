"""What the room exchange holds about one account, for its export and its erasure (DSGVO; the
messages are handled by shared.account_data).

Export: the bookings the account made (room, title, status, its own and the owner's words,
the dates) and what the audit log records it did. Erase: its bookings stay, with their dates,
title and status (the rooms' history and the partner's use of them stay true, and a booking
belongs to the partner as much as to the person), but lose the booker's own free text and are
shown as "ehemaliges Konto" from then on. Future dates are kept, not cancelled: the group
usually still meets (a colleague left the partner), and the partner's staff or the office can
cancel them as usual. The invitations it sent to rooms by email (mailin: its address, the meeting
as its program wrote it) are deleted. The audit log keeps its rows (who did what to a room), now pointing to
the anonymised account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from shared.account_data import Gathered
from shared.contracts import EXPORT_ROWS

from services.rooms.db.models import AuditEntry, Booking, MailedInvitation

DATES_PER_BOOKING = 100  # a weekly series for two years; the export says when there were more


def _booking(b: Booking) -> dict[str, Any]:
    dates = [
        {"starts_at": o.starts_at, "ends_at": o.ends_at, "state": o.state, "reason": o.cancel_reason}
        for o in b.occurrences[:DATES_PER_BOOKING]
    ]
    return {
        "booking_id": b.id,
        "room": b.room.name,
        "title": b.title,
        "status": b.status,
        "description": b.description,
        "comment": b.comment,
        "created_at": b.created_at,
        "updated_at": b.updated_at,
        "dates": dates,
        "dates_total": len(b.occurrences),
    }


def gather(session: Session, account_id: int) -> Gathered:
    part = Gathered()
    bookings = session.scalars(
        select(Booking)
        .options(selectinload(Booking.occurrences), selectinload(Booking.room))
        .where(Booking.booker_account_id == account_id)
        .order_by(Booking.id)
        .limit(EXPORT_ROWS + 1)
    )
    part.add("bookings", [_booking(b) for b in bookings])
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.account_id == account_id).order_by(AuditEntry.id).limit(EXPORT_ROWS + 1)
    )
    mailed = session.scalars(
        select(MailedInvitation)
        .where(MailedInvitation.account_id == account_id)
        .order_by(MailedInvitation.updated_at)
        .limit(EXPORT_ROWS + 1)
    )
    part.add(
        "mailed_invitations",
        [
            {
                "event": m.uid,
                "room_id": m.room_id,
                "organizer": m.organizer,
                "invitation": m.calendar,
                "updated_at": m.updated_at,
            }
            for m in mailed
        ],
    )
    part.add(
        "audit",
        [
            {"at": a.at, "action": a.action, "room_id": a.room_id, "booking_id": a.booking_id, "details": a.details}
            for a in audit
        ],
    )
    return part


def erase(session: Session, account_id: int, _traces: list[str]) -> dict[str, int]:
    bookings = session.scalars(
        update(Booking)
        .where(Booking.booker_account_id == account_id)
        # an invitation's organizer address goes too (an iMIP booking then sends no more replies)
        .values(description="", booker_erased=True, invitation_organizer=None)
        .returning(Booking.id)
        .execution_options(synchronize_session=False)
    ).all()
    # the invitations it sent by email: its address and the meeting as its mail program wrote it;
    # a later mail from it is refused anyway (no account), so nothing needs ordering any more
    mailed = session.scalars(
        delete(MailedInvitation).where(MailedInvitation.account_id == account_id).returning(MailedInvitation.uid)
    ).all()
    return {"bookings": len(bookings), "mailed_invitations": len(mailed)}
