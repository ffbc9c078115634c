"""Whether a date a booking wants holds the room at once or waits for the owner's yes, and what
that makes of the booking. One decision for booking, changing and re-adding dates, so that no
way round a room's approval rule exists. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from services.rooms.domain.rules import RoomRules
from services.rooms.domain.slots import Slot

COMMENT_MAX = 2000  # the owner's word to the booker on a decision
DATE_COMMENT_MAX = 1000  # the owner's word on one date of it
APPROVE, DECLINE = "approve", "decline"


def needs_approval(
    rules: RoomRules, owner_partner_id: int, booker_partner_id: int | None, actor_partner_id: int | None
) -> bool:
    """The owner is asked when its room requires approval, unless the booking is the owner's
    own or the owner's staff are the ones acting (they would be asking themselves)."""
    return rules.approval_required and owner_partner_id not in (booker_partner_id, actor_partner_id)


def state_for(wanted: Slot, approved: Slot | None, asks: bool) -> str:
    """ "valid" (holds the room) or "pending" (waits for the owner). A date the owner already
    approved keeps its yes when it shrinks inside the approved time, never when it moves or grows."""
    if not asks or (
        approved is not None and approved.starts_at <= wanted.starts_at and wanted.ends_at <= approved.ends_at
    ):
        return "valid"
    return "pending"


def status_after(states: Iterable[str], ended_as: str) -> str:
    """The booking's status from its dates: waiting while any date waits for the owner, confirmed
    while any holds the room, else how its last live date ended ("cancelled" or "declined")."""
    states = set(states)
    if "pending" in states:
        return "requested"
    if "valid" in states:
        return "confirmed"
    return ended_as


def decision_problems(pending: Iterable[int], decisions: Mapping[int, str]) -> dict[str, str]:
    """Field -> problem code for the owner's answer to a request, date by date: every waiting
    date (by id) decided, each "approve" or "decline", and no other date named. Deciding only
    part of the dates is refused, so the booker gets one answer for the whole request."""
    waiting = set(pending)
    if any(choice not in (APPROVE, DECLINE) for choice in decisions.values()):
        return {"decisions": "decision_unknown"}
    if set(decisions) - waiting:
        return {"decisions": "not_pending"}
    if waiting - set(decisions):
        return {"decisions": "undecided_dates"}
    return {}
