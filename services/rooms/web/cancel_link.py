"""The one-click cancel link from reminders: GET shows what would be cancelled, POST (CSRF)
cancels that one date. No login needed: the signed token is the permission, and only for
this occurrence, until it has ended."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from shared.web.request_db import db, unit_of_work

from services.rooms.booking import cancel as cancelling
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import RoomsError
from services.rooms.db.models import Booking
from services.rooms.domain import cancel_tokens
from services.rooms.request_context import ctx
from services.rooms.web.forms import CancelLinkForm

bp = Blueprint("rooms_cancel", __name__)


def _target(session, token: str):
    found = cancel_tokens.read_cancel_token(current_app.config["SECRET_KEY"], token)
    if found is None:
        abort(404)
    booking = session.get(Booking, found[0])
    occurrence = next((o for o in booking.occurrences if o.id == found[1]), None) if booking else None
    if occurrence is None:
        abort(404)
    return booking, occurrence


def _state(occurrence, context: Ctx) -> str:
    return "done" if occurrence.state == "cancelled" else "over" if occurrence.ends_at <= context.now else "ask"


@bp.route("/rooms/cancel/<token>", methods=["GET", "POST"])
def cancel_occurrence(token: str):
    form, context, status = CancelLinkForm(), ctx(), 200
    if form.validate_on_submit():
        with unit_of_work() as session:
            booking, occurrence = _target(session, token)
            if _state(occurrence, context) == "ask":
                _cancel_for_booker(session, booking, occurrence, context, form.reason.data or "")
    elif form.is_submitted() and form.reason.errors:
        status = 400
    booking, occurrence = _target(db(), token)
    return render_template(
        "rooms/cancel_link.html", booking=booking, occurrence=occurrence, form=form, state=_state(occurrence, context)
    ), status


def _cancel_for_booker(session, booking, occurrence, context: Ctx, reason: str) -> None:
    """In the booker's name, as if they had cancelled on their page; any refusal is a 409 (and
    leaves the unit of work, which rolls back)."""
    booker = context.principal_of(booking.booker_account_id)
    if booker is None:
        abort(404)
    try:
        cancelling.cancel(session, booker, booking.id, "occurrence", occurrence.id, context, reason)
    except RoomsError:
        abort(409)
