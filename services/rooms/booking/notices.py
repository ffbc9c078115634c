"""The messages a booking change causes, queued in the caller's transaction (outbox):
calendar.booking_changed with the whole current state, notify.booking_notice to one person."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared import contracts, outbox
from shared.identity.store import Principal

from services.rooms.booking.context import Ctx
from services.rooms.db.models import AuditEntry, Booking, OutboxMessage
from services.rooms.domain import cancel_tokens

HOLDS = ("valid", "pending")  # dates the booking wants; the others are shown as cancelled


def occurrences(booking: Booking, ctx: Ctx, with_links: bool = False) -> list[dict]:
    """Skipped dates were never booked and are left out; declined ones count as cancelled."""
    found = []
    for o in booking.occurrences:
        if o.state == "skipped":
            continue
        item = {
            "id": o.id,
            "starts_at": o.starts_at,
            "ends_at": o.ends_at,
            "state": "valid" if o.state in HOLDS else "cancelled",
        }
        if with_links and o.state == "valid" and ctx.secret:
            item["cancel_url"] = ctx.url(cancel_tokens.cancel_path(ctx.secret, booking.id, o.id))
        found.append(item)
    return found


def booking_changed(session: Session, booking: Booking, ctx: Ctx) -> None:
    outbox.add(
        session,
        OutboxMessage,
        "calendar.booking_changed",
        booking_id=booking.id,
        uid=booking.uid,
        sequence=booking.sequence,
        room_id=booking.room_id,
        partner_id=booking.booker_partner_id,
        title=booking.title,
        status=booking.status,
        public=booking.public,
        occurrences=occurrences(booking, ctx),
    )


def notice(session: Session, booking: Booking, kind: str, to: Principal | None, ctx: Ctx, comment: str = "") -> None:
    if to is None:
        return  # the account is gone; the calendar message still carries the state
    room = booking.room
    outbox.add(
        session,
        OutboxMessage,
        "notify.booking_notice",
        kind=kind,
        booking_id=booking.id,
        uid=booking.uid,
        sequence=booking.sequence,
        title=booking.title,
        room={
            "id": room.id,
            "name": room.name,
            "address": room.address or "",
            "partner_name": ctx.partner_name_of(room.partner_id),
        },
        recipient=recipient(to),
        occurrences=occurrences(booking, ctx, with_links=to.account_id == booking.booker_account_id),
        link=ctx.url(f"/rooms/bookings/{booking.id}"),
        comment=comment,
    )


def to_booker(session: Session, booking: Booking, kind: str, ctx: Ctx, comment: str = "") -> None:
    notice(session, booking, kind, ctx.principal_of(booking.booker_account_id), ctx, comment)


def to_owner_staff(session: Session, booking: Booking, kind: str, ctx: Ctx) -> None:
    for person in ctx.staff_of(booking.room.partner_id):
        notice(session, booking, kind, person, ctx)


def recipient(p: Principal) -> dict:
    return {
        "account_id": p.account_id,
        "name": p.display_name,
        "email": p.email or "",
        "phone": p.phone or "",
        "language": p.language if p.language in ("de", "en") else "de",
    }


def audit(
    session: Session,
    actor: Principal | None,
    action: str,
    *,
    room_id: int | None = None,
    booking_id: int | None = None,
    **details,
) -> None:
    session.add(
        AuditEntry(
            account_id=actor.account_id if actor else None,
            partner_id=actor.partner_id if actor else None,
            action=action,
            room_id=room_id,
            booking_id=booking_id,
            details=contracts.jsonable(details),
        )
    )
