"""The one-click cancel link from reminders: GET shows what would be cancelled, POST (CSRF)
cancels that one date. No login needed: the signed token is the permission, and only for
this occurrence, until it has ended."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_wtf import FlaskForm

from shared.web.request_db import db

from services.rooms import changes, links
from services.rooms.errors import RoomsError
from services.rooms.models import Booking
from services.rooms.webctx import ctx

bp = Blueprint("rooms_cancel", __name__)


def _target(token: str):
    found = links.read_cancel_token(current_app.config["SECRET_KEY"], token)
    booking = db().get(Booking, found[0]) if found else None
    occurrence = next((o for o in booking.occurrences if o.id == found[1]), None) if booking else None
    if occurrence is None:
        abort(404)
    return booking, occurrence


@bp.route("/rooms/cancel/<token>", methods=["GET", "POST"])
def cancel_occurrence(token: str):
    booking, occurrence = _target(token)
    form = FlaskForm()
    context = ctx()
    state = "done" if occurrence.state == "cancelled" else "over" if occurrence.ends_at <= context.now else "ask"
    if state == "ask" and form.validate_on_submit():
        booker = context.principal_of(booking.booker_account_id)
        if booker is None:
            abort(404)
        try:
            changes.cancel(db(), booker, booking.id, "occurrence", occurrence.id, context)
        except RoomsError:
            abort(409)
        state = "done"
    return render_template("rooms/cancel_link.html", booking=booking, occurrence=occurrence, form=form, state=state)
