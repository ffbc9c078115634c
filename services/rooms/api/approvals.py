"""The room owner's side: requests waiting for a decision, approved or declined."""

from __future__ import annotations

from flask import g

from shared.web.request_db import db

from services.rooms.api.blueprint import act, blp
from services.rooms.api.schemas import BookingDetailOut, DecideIn, DecisionIn, ErrorOut
from services.rooms.booking import decide
from services.rooms.booking.errors import InvalidInput
from services.rooms.db import queries


def _decide(use_case, data: dict, booking_id: int):
    return act(
        lambda session, me, context: use_case(
            session, me, booking_id, data["comment"], context, sequence=data["sequence"]
        )
    )


@blp.post("/bookings/<int:booking_id>/approve")
@blp.arguments(DecisionIn)
@blp.response(200, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut)
def approve(data: dict, booking_id: int):
    """Room owner: every waiting date holds the room (checked again for conflicts in the same
    transaction). With `sequence`, a request the booker changed since is not approved (409)."""
    return _decide(decide.approve, data, booking_id)


@blp.post("/bookings/<int:booking_id>/decline")
@blp.arguments(DecisionIn)
@blp.response(200, BookingDetailOut)
def decline(data: dict, booking_id: int):
    """Room owner: every waiting date is declined; dates approved before stay booked."""
    return _decide(decide.decline, data, booking_id)


@blp.post("/bookings/<int:booking_id>/decide")
@blp.arguments(DecideIn)
@blp.response(200, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut)
@blp.alt_response(422, schema=ErrorOut)
def decide_dates(data: dict, booking_id: int):
    """Room owner: approve or decline each waiting date of a request, with a comment per date
    (`dates`: every waiting date once) and one for the whole request. The approved dates are
    checked again for conflicts in the same transaction; the booker gets one answer."""
    return act(
        lambda session, me, context: decide.decide(
            session, me, booking_id, _by_date(data["dates"]), data["comment"], context, sequence=data["sequence"]
        )
    )


def _by_date(dates: list[dict]) -> dict[int, decide.DateDecision]:
    found = {d["occurrence_id"]: decide.DateDecision(d["decision"], d["comment"]) for d in dates}
    if len(found) != len(dates):
        raise InvalidInput({"decisions": "decided_twice"})
    return found


@blp.get("/approvals")
@blp.response(200, BookingDetailOut(many=True))
def approvals():
    """Requests waiting for the caller's approval (rooms of the caller's partner)."""
    return queries.approval_queue(db(), g.account)
