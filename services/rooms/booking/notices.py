"""The messages a booking change causes, queued in the caller's transaction (outbox):
calendar.booking_changed with the whole current state, notify.booking_notice to one person.

A notice is written for one side: the booker ("booker") or the staff of the room's partner
("owner"). Both get who asked (the booker's name, partner and contact), what for (description),
every date with its true state (valid, pending, declined, cancelled), the owner's word on each
date, and where a moved date was before (was_starts_at/was_ends_at)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from shared import contracts, outbox
from shared.clock import utcnow
from shared.identity.store import Principal

from services.rooms.booking import invitation_answer
from services.rooms.booking.context import Ctx
from services.rooms.db.models import AuditEntry, Booking, Occurrence, OutboxMessage
from services.rooms.domain import cancel_tokens, permissions

HOLDS = ("valid", "pending")  # dates the booking wants; the others are shown as cancelled
TOLD = ("valid", "pending", "declined", "cancelled")  # skipped dates were never booked
ERASED_BOOKER = "Ehemaliges Konto"  # how an erased account is named, in identity too (DSGVO)
BOOKER, OWNER = "booker", "owner"

# The dates a change touched, by occurrence id: the slot before when it moved, else None (only
# its state changed: cancelled, decided, put back). Notices mark them, so messages tell what changed.
Before = Mapping[int, tuple[datetime, datetime] | None]


def touched(dates: Iterable[Occurrence]) -> dict[int, None]:
    """`Before` for dates whose state changed but not their time."""
    return {o.id: None for o in dates}


def occurrences(booking: Booking, ctx: Ctx) -> list[dict]:
    """The dates as the calendar keeps them: skipped ones left out, declined ones cancelled."""
    return [
        {
            "id": o.id,
            "starts_at": o.starts_at,
            "ends_at": o.ends_at,
            "state": "valid" if o.state in HOLDS else "cancelled",
        }
        for o in booking.occurrences
        if o.state != "skipped"
    ]


def notice_occurrences(
    booking: Booking, ctx: Ctx, with_links: bool = False, before: Before | None = None
) -> list[dict]:
    """The dates as a person is told them: their true state, the owner's comment on each, where a
    moved one was before; the booker's valid dates carry a one-click cancel link."""
    found = []
    for o in booking.occurrences:
        if o.state not in TOLD:
            continue
        item: dict = {"id": o.id, "starts_at": o.starts_at, "ends_at": o.ends_at, "state": o.state}
        if o.comment:
            item["comment"] = o.comment
        if before is not None and o.id in before:
            item["touched"] = True
            was = before[o.id]
            if was is not None and was != (o.starts_at, o.ends_at):
                item["was_starts_at"], item["was_ends_at"] = was
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
        offering_uid=booking.offering_uid or "",
        room_district=booking.room.district or "",
        room_address=booking.room.address or "",
    )
    if booking.invitation_uid:  # every change of a booking passes here: its invitation is answered again
        invitation_answer.send(session, booking, ctx)


def notice(
    session: Session,
    booking: Booking,
    kind: str,
    to: Principal | None,
    ctx: Ctx,
    comment: str = "",
    *,
    role: str = BOOKER,
    reason: str = "",
    before: Before | None = None,
) -> None:
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
        occurrences=notice_occurrences(
            booking, ctx, with_links=role == BOOKER and to.account_id == booking.booker_account_id, before=before
        ),
        link=_link(booking, kind, role, ctx),
        comment=comment,
        role=role,
        booker=booker_of(booking, ctx),
        description=booking.description or "",
        reason=reason,
        in_own_calendar=bool(booking.invitation_uid) and role == BOOKER,
    )


def _link(booking: Booking, kind: str, role: str, ctx: Ctx) -> str:
    """The owner's staff go where they decide while the owner must decide; else the booking's page."""
    if role == OWNER and kind == "requested" and booking.status == "requested":
        return ctx.url("/rooms/requests")
    return ctx.url(f"/rooms/bookings/{booking.id}")


def booker_of(booking: Booking, ctx: Ctx) -> dict | None:
    """Who asked, as the room's owner may see it (contracts.PersonV1); None when the account is
    gone (closed), "ehemaliges Konto" when it was erased."""
    if booking.booker_erased:
        return {"name": ERASED_BOOKER, "partner_name": ctx.partner_name_of(booking.booker_partner_id)}
    person = ctx.principal_of(booking.booker_account_id)
    if person is None:
        return None
    return {
        "name": person.display_name or person.username,
        "partner_name": ctx.partner_name_of(booking.booker_partner_id),
        "email": person.email or "",
        "phone": person.phone or "",
    }


def to_booker(
    session: Session,
    booking: Booking,
    kind: str,
    ctx: Ctx,
    comment: str = "",
    *,
    reason: str = "",
    before: Before | None = None,
) -> None:
    notice(
        session,
        booking,
        kind,
        ctx.principal_of(booking.booker_account_id),
        ctx,
        comment,
        reason=reason,
        before=before,
    )


def to_owner_staff(
    session: Session,
    booking: Booking,
    kind: str,
    ctx: Ctx,
    *,
    reason: str = "",
    before: Before | None = None,
) -> None:
    """Every person of the room's partner (notify applies each one's preferences). Nobody when the
    owner booked its own room: the booker's notice already tells them."""
    if booking.booker_partner_id == booking.room.partner_id:
        return
    for person in ctx.staff_of(booking.room.partner_id):
        notice(session, booking, kind, person, ctx, role=OWNER, reason=reason, before=before)


def to_other_side(
    session: Session,
    booking: Booking,
    actor: Principal,
    kind: str,
    ctx: Ctx,
    *,
    reason: str = "",
    before: Before | None = None,
) -> None:
    """After a change or cancellation: the booker hears of it in any case (a record of what they
    did, or news of what the owner did); the owner's staff when someone else acted."""
    to_booker(session, booking, kind, ctx, reason=reason, before=before)
    if permissions.side(booking, actor) != permissions.OWNER:
        to_owner_staff(session, booking, kind, ctx, reason=reason, before=before)


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
    at: datetime | None = None,
    **details,
) -> None:
    """`at`: the use case's "now" (Ctx.now) where it has one, so the entry and the change it
    records tell the same moment; else the moment of writing."""
    session.add(
        AuditEntry(
            at=at or utcnow(),
            account_id=actor.account_id if actor else None,
            partner_id=actor.partner_id if actor else None,
            action=action,
            room_id=room_id,
            booking_id=booking_id,
            details=contracts.jsonable(details),
        )
    )
