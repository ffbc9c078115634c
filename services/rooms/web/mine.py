""" "Meine Buchungen": every booking with its dates; cancel one date, this and the following, or
the series (a confirm page first), change times, add a cancelled or skipped date back."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm

from shared.auth import current_account, login_required
from shared.web.request_db import db

from services.rooms import wording
from services.rooms.booking import cancel as cancelling, change as changing, restore as restoring
from services.rooms.db import queries
from services.rooms.domain import permissions
from services.rooms.request_context import ctx
from services.rooms.web.blueprint import attempt, bp, shown
from services.rooms.web.forms import CancelForm, ChangeForm

STATE_NAMES = {
    "valid": _l("gebucht"),
    "pending": _l("wartet auf Freigabe"),
    "skipped": _l("ausgelassen"),
    "cancelled": _l("abgesagt"),
    "declined": _l("abgelehnt"),
}
STATUS_NAMES = {
    "confirmed": _l("bestätigt"),
    "requested": _l("angefragt"),
    "declined": _l("abgelehnt"),
    "cancelled": _l("abgesagt"),
}


def state_name(code: str) -> str:
    return str(STATE_NAMES.get(code, code))


def status_name(code: str) -> str:
    return str(STATUS_NAMES.get(code, code))


@bp.get("/bookings")
@login_required
def my_bookings():
    return render_template(
        "rooms/bookings.html",
        bookings=queries.bookings_of(db(), current_account().account_id),
        state_name=state_name,
        status_name=status_name,
    )


def visible(session, booking_id: int, occurrence_id: int | None = None):
    """The booking if the viewer may see it (else the not-found page), and the date named."""
    found = queries.booking_for(session, booking_id, current_account())
    if found is None:
        abort(404)
    if occurrence_id is None:
        return found, None
    occurrence = next((o for o in found.occurrences if o.id == occurrence_id), None)
    if occurrence is None:
        abort(404)
    return found, occurrence


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int):
    found, me, context = visible(db(), booking_id)[0], current_account(), ctx()
    return render_template(
        "rooms/booking.html",
        booking=found,
        owner=context.partner_name_of(found.room.partner_id),
        booker=context.partner_name_of(found.booker_partner_id),
        person=context.principal_of(found.booker_account_id),
        decides=permissions.side(found, me) != permissions.BOOKER and permissions.can_decide(found, me),
        messages=wording,
        form=FlaskForm(),
        state_name=state_name,
        status_name=status_name,
        now=context.now,
        may_cancel=permissions.can_cancel(found, me),
        may_change=permissions.can_change(found, me),
        may_restore=lambda o: permissions.can_restore(found, o.cancelled_by, me),
    )


def _on_date(booking_id: int, occurrence_id: int, use_case):
    """`use_case(session, me, booking, occurrence, context)` on a date the viewer may see, in one
    unit of work: (the booking, None) or (None, the refusal)."""
    me, context = current_account(), ctx()
    return attempt(
        lambda session: use_case(session, me, *visible(session, booking_id, occurrence_id), context), context
    )


def _submit_on_date(form, booking_id: int, occurrence_id: int, use_case, said):
    """The POST side of the cancel and change pages: nothing yet (200), a form with errors (400),
    the use case refused ((its status, its error)), or done: `said(booking)` flashed and a
    redirect to the booking. Returns (redirect or None, status, error)."""
    if not form.is_submitted():
        return None, 200, None
    if not form.validate():
        return None, 400, None
    done, refused = _on_date(booking_id, occurrence_id, use_case)
    if done:
        flash(said(done))
        return redirect(url_for("rooms.booking", booking_id=booking_id)), 200, None
    return None, refused.status, shown(refused)


@bp.route("/bookings/<int:booking_id>/cancel/<int:occurrence_id>", methods=["GET", "POST"])
@login_required
def cancel(booking_id: int, occurrence_id: int):
    form = CancelForm()
    answer, status, error = _submit_on_date(
        form,
        booking_id,
        occurrence_id,
        lambda session, me, found, occurrence, context: cancelling.cancel(
            session, me, found.id, form.scope.data, occurrence.id, context, form.reason.data or ""
        ),
        lambda _done: _("Abgesagt. Der Raum ist für diese Zeit wieder frei."),
    )
    if answer:
        return answer
    found, occurrence = visible(db(), booking_id, occurrence_id)
    return render_template("rooms/cancel.html", booking=found, occurrence=occurrence, form=form, error=error), status


def _moved(session, me, found, occurrence, context, form: ChangeForm):
    starts_at = datetime.combine(form.date.data, form.start.data, tzinfo=context.tz)
    ends_at = datetime.combine(form.date.data, form.end.data, tzinfo=context.tz)
    return changing.change_time(session, me, found.id, form.scope.data, occurrence.id, starts_at, ends_at, context)


@bp.route("/bookings/<int:booking_id>/change/<int:occurrence_id>", methods=["GET", "POST"])
@login_required
def change(booking_id: int, occurrence_id: int):
    form = ChangeForm()
    answer, status, error = _submit_on_date(
        form,
        booking_id,
        occurrence_id,
        lambda session, me, found, occurrence, context: _moved(session, me, found, occurrence, context, form),
        lambda done: (
            _(
                "Die Zeit ist geändert. Die Änderung wartet auf die Freigabe des Hauses; bis dahin ist der Raum "
                "dafür nicht gebucht."
            )
            if done.status == "requested"
            else _("Die Zeit ist geändert.")
        ),
    )
    if answer:
        return answer
    found, occurrence = visible(db(), booking_id, occurrence_id)
    if not form.is_submitted():
        tz = ctx().tz
        local_start, local_end = occurrence.starts_at.astimezone(tz), occurrence.ends_at.astimezone(tz)
        form.date.data, form.start.data, form.end.data = local_start.date(), local_start.time(), local_end.time()
    return render_template("rooms/change.html", booking=found, occurrence=occurrence, form=form, error=error), status


@bp.post("/bookings/<int:booking_id>/restore/<int:occurrence_id>")
@login_required
def restore(booking_id: int, occurrence_id: int):
    if not FlaskForm().validate_on_submit():
        visible(db(), booking_id, occurrence_id)
        abort(400)
    done, refused = _on_date(
        booking_id,
        occurrence_id,
        lambda session, me, found, occurrence, context: restoring.restore(
            session, me, found.id, occurrence.id, context
        ),
    )
    if refused:
        return render_template(
            "rooms/message.html",
            title=_("Termin nicht wieder aufgenommen"),
            error=shown(refused),
            back=url_for("rooms.booking", booking_id=booking_id),
        ), refused.status
    state = next(o.state for o in done.occurrences if o.id == occurrence_id)
    flash(
        _("Der Termin ist wieder angefragt; er ist erst mit der Freigabe des Hauses gebucht.")
        if state == "pending"
        else _("Der Termin ist wieder aufgenommen.")
    )
    return redirect(url_for("rooms.booking", booking_id=booking_id))
