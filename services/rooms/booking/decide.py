"""The room owner's answer to a request, date by date: each waiting date approved (freigegeben)
or declined, with an optional comment per date and one for the whole request. Approving or
declining everything are shortcuts of the same decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices
from services.rooms.booking.context import Ctx
from services.rooms.booking.dates import finish, judged, locked_booking
from services.rooms.booking.errors import InvalidInput, RequestChanged, SeriesConflict
from services.rooms.db.models import Booking
from services.rooms.domain import permissions
from services.rooms.domain.approval import APPROVE, COMMENT_MAX, DATE_COMMENT_MAX, DECLINE, decision_problems


@dataclass(frozen=True)
class DateDecision:
    """The owner's answer on one waiting date: APPROVE or DECLINE, and a word to the booker."""

    choice: str
    comment: str = ""


def decide(
    session: Session,
    actor: Principal,
    booking_id: int,
    decisions: Mapping[int, DateDecision] | str,
    comment: str,
    ctx: Ctx,
    *,
    sequence: int | None = None,
) -> Booking:
    """Approve some waiting dates and decline the others (`decisions` by occurrence id, every
    waiting date named; or APPROVE / DECLINE for all of them). The approved dates hold the room
    from now on if none collides (checked again under the room's lock); the owner may bend its
    own rules, so they are not checked here. Dates approved before keep the room. The booker
    gets one notice: "approved" when any date was approved, else "declined"."""
    text = _text(comment, COMMENT_MAX, "comment")
    booking = _request_for_owner(session, actor, booking_id, sequence)
    pending = [o for o in booking.occurrences if o.state == "pending"]
    chosen = _decisions(pending, decisions)
    approved = [o for o in pending if chosen[o.id].choice == APPROVE]
    colliding = [w for w in judged(session, booking, approved, actor, ctx).dates if w.conflicts] if approved else []
    if colliding:
        raise SeriesConflict(colliding)
    for o in pending:
        o.state = "valid" if chosen[o.id].choice == APPROVE else "declined"
        o.comment = chosen[o.id].comment
    declined = [o for o in pending if o.state == "declined"]
    booking.status = domain.status_after((o.state for o in booking.occurrences), "declined")
    booking.comment = text
    action = "booking_approved" if not declined else "booking_declined" if not approved else "booking_decided"
    finish(
        session,
        booking,
        actor,
        action,
        ctx,
        comment=text,
        approved=[o.starts_at for o in approved],
        declined=[o.starts_at for o in declined],
    )
    notices.to_booker(
        session, booking, "approved" if approved else "declined", ctx, text, before=notices.touched(pending)
    )
    return booking


def approve(
    session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx, *, sequence: int | None = None
) -> Booking:
    """Every waiting date holds the room from now on, if none collides."""
    return decide(session, actor, booking_id, APPROVE, comment, ctx, sequence=sequence)


def decline(
    session: Session, actor: Principal, booking_id: int, comment: str, ctx: Ctx, *, sequence: int | None = None
) -> Booking:
    """Every waiting date is declined; dates approved before keep the room (a declined change
    leaves the rest of the booking as it was)."""
    return decide(session, actor, booking_id, DECLINE, comment, ctx, sequence=sequence)


def _decisions(pending, decisions: Mapping[int, DateDecision] | str) -> dict[int, DateDecision]:
    """Each waiting date's decision, checked: all of them named, nothing else, comments bounded."""
    if isinstance(decisions, str):
        decisions = {o.id: DateDecision(decisions) for o in pending}
    found = decision_problems((o.id for o in pending), {i: d.choice for i, d in decisions.items()})
    if found:
        raise InvalidInput(found)
    return {i: DateDecision(d.choice, _text(d.comment, DATE_COMMENT_MAX, "decisions")) for i, d in decisions.items()}


def _request_for_owner(session: Session, actor: Principal, booking_id: int, sequence: int | None) -> Booking:
    """The requested booking, locked, if `actor` may decide on it (the room owner's side) and it
    is still what the owner looked at (`sequence`, when given)."""
    booking = locked_booking(session, booking_id, lambda b: permissions.can_decide(b, actor), "decide")
    if booking.status != "requested":
        raise InvalidInput({"status": "not_requested"})
    if sequence is not None and sequence != booking.sequence:
        raise RequestChanged(booking.sequence)
    return booking


def _text(comment: str | None, limit: int, field: str) -> str:
    text = (comment or "").strip()
    found = domain.text_problem(text, limit, multiline=True)
    if found:
        raise InvalidInput({field: found})
    return text
