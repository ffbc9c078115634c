"""The queue of requests for the owner's side, with the conflicts each would cause, approved or
declined with a comment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from shared.auth import current_account, login_required
from shared.web.request_db import db

from services.rooms import domain, wording
from services.rooms.booking import decide as deciding
from services.rooms.db import occupancy, queries
from services.rooms.request_context import ctx
from services.rooms.web.blueprint import attempt, bp, shown, signed_in
from services.rooms.web.forms import DecisionForm
from services.rooms.web.mine import visible

DECISIONS = {"approve": deciding.approve, "decline": deciding.decline}


@bp.get("/requests")
@login_required
def requests():
    me, context = current_account(), ctx()
    queue = [(booking, _would_collide(booking, me, context)) for booking in queries.approval_queue(db(), me)]
    return render_template(
        "rooms/requests.html", queue=queue, form=DecisionForm(), partner_name=context.partner_name_of, messages=wording
    )


def _would_collide(booking, me, context) -> list:
    """(occurrence, [conflict lines]) for each pending date of a request."""
    pending = [o for o in booking.occurrences if o.state == "pending"]
    if not pending:
        return []
    rules = queries.rules_of(db(), booking.room_id)
    held = [
        h
        for h in occupancy.holdings_between(db(), booking.room_id, pending[0].starts_at, pending[-1].ends_at)
        if h.booking_id != booking.id
    ]
    return [
        (
            o,
            [
                wording.conflict_line(c, context.partner_name_of(c.partner_id))
                for c in domain.conflicts(domain.Slot(o.starts_at, o.ends_at), held, me.partner_id, rules.buffer)
            ],
        )
        for o in pending
    ]


@bp.post("/requests/<int:booking_id>/<decision>")
@login_required
def decide(booking_id: int, decision: str):
    if decision not in DECISIONS:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        visible(db(), booking_id)
        return _not_decided(
            " ".join(form.comment.errors) or _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu."), 400
        )
    me, context = signed_in(), ctx()
    _done, refused = attempt(
        lambda session: DECISIONS[decision](
            session,
            me,
            visible(session, booking_id)[0].id,
            form.comment.data or "",
            context,
            sequence=form.seen_sequence(),
        ),
        context,
    )
    if refused:
        return _not_decided(shown(refused), refused.status)
    flash(_("Die Anfrage ist freigegeben.") if decision == "approve" else _("Die Anfrage ist abgelehnt."))
    return redirect(url_for("rooms.requests"))


def _not_decided(error, status: int):
    return render_template(
        "rooms/message.html", title=_("Nicht entschieden"), error=error, back=url_for("rooms.requests")
    ), status
