""""Meine Buchungen": every booking with its dates; cancel one date, this and the following, or
the series (a confirm page first), change times, add a cancelled or skipped date back."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm

from shared.auth import current_account, login_required
from shared.web.request_db import db

from services.rooms import changes, messages, queries
from services.rooms.domain import permissions
from services.rooms.errors import (BookingConflict, BookingNotFound, InvalidInput, NotAllowed, RequestChanged,
                                   SeriesConflict)
from services.rooms.forms import CancelForm, ChangeForm

from services.rooms.views import bp, partner_name
from services.rooms.webctx import ctx

STATE_NAMES = {"valid": _l("gebucht"), "pending": _l("wartet auf Freigabe"), "skipped": _l("ausgelassen"),
               "cancelled": _l("abgesagt"), "declined": _l("abgelehnt")}
STATUS_NAMES = {"confirmed": _l("bestätigt"), "requested": _l("angefragt"), "declined": _l("abgelehnt"),
                "cancelled": _l("abgesagt")}


def state_name(code: str) -> str:
    return str(STATE_NAMES.get(code, code))


def status_name(code: str) -> str:
    return str(STATUS_NAMES.get(code, code))


@bp.get("/bookings")
@login_required
def my_bookings():
    return render_template("rooms/bookings.html", bookings=queries.bookings_of(db(), current_account().account_id),
                           state_name=state_name, status_name=status_name)


def _visible(booking_id: int):
    found = queries.booking_for(db(), booking_id, current_account())
    if found is None:
        abort(404)
    return found


def _occurrence(booking, occurrence_id):
    found = next((o for o in booking.occurrences if o.id == occurrence_id), None)
    if found is None:
        abort(404)
    return found


@bp.get("/bookings/<int:booking_id>")
@login_required
def booking(booking_id: int):
    found, me = _visible(booking_id), current_account()
    return render_template("rooms/booking.html", booking=found, owner=partner_name(found.room.partner_id),
                           booker=partner_name(found.booker_partner_id), messages=messages, form=FlaskForm(),
                           state_name=state_name, status_name=status_name, now=ctx().now,
                           may_cancel=permissions.can_cancel(found, me), may_change=permissions.can_change(found, me),
                           may_restore=lambda o: permissions.can_restore(found, o.cancelled_by, me))


def _run(fn, booking, *args, **kwargs):
    """Run a change; (None, None) on success, else (status, German message)."""
    try:
        fn(db(), current_account(), booking.id, *args, ctx(), **kwargs)
    except NotAllowed as exc:
        return 403, messages.problem(str(exc.args[0]))
    except BookingNotFound:
        abort(404)
    except RequestChanged:
        return 409, messages.problem("request_changed")
    except InvalidInput as exc:
        return 400, " ".join(m for ms in messages.problems(exc.problems).values() for m in ms)
    except SeriesConflict as exc:
        lines = [messages.conflict_line(c, partner_name(c.partner_id)) for d in exc.dates for c in d.conflicts]
        lines += [messages.problem(v) for d in exc.dates for v in d.violations]
        return 409, messages.series_conflict(exc.dates) + " " + " ".join(lines)
    except BookingConflict as exc:
        return 409, messages.conflict(exc.conflict)
    return None, None


@bp.route("/bookings/<int:booking_id>/cancel/<int:occurrence_id>", methods=["GET", "POST"])
@login_required
def cancel(booking_id: int, occurrence_id: int):
    found = _visible(booking_id)
    occurrence = _occurrence(found, occurrence_id)
    form = CancelForm()
    status, error = 200, None
    if form.is_submitted():
        if not form.validate():
            status = 400
        else:
            status, error = _run(changes.cancel, found, form.scope.data, occurrence.id)
            if status is None:
                flash(_("Abgesagt. Der Raum ist für diese Zeit wieder frei."))
                return redirect(url_for("rooms.booking", booking_id=found.id))
    return render_template("rooms/cancel.html", booking=found, occurrence=occurrence, form=form,
                           error=error), status


@bp.route("/bookings/<int:booking_id>/change/<int:occurrence_id>", methods=["GET", "POST"])
@login_required
def change(booking_id: int, occurrence_id: int):
    found = _visible(booking_id)
    occurrence = _occurrence(found, occurrence_id)
    context = ctx()
    form = ChangeForm()
    if not form.is_submitted():
        local_start, local_end = occurrence.starts_at.astimezone(context.tz), occurrence.ends_at.astimezone(context.tz)
        form.date.data, form.start.data, form.end.data = local_start.date(), local_start.time(), local_end.time()
    status, error = 200, None
    if form.is_submitted():
        if not form.validate():
            status = 400
        else:
            starts_at = datetime.combine(form.date.data, form.start.data, tzinfo=context.tz)
            ends_at = datetime.combine(form.date.data, form.end.data, tzinfo=context.tz)
            status, error = _run(changes.change_time, found, form.scope.data, occurrence.id, starts_at, ends_at)
            if status is None:
                flash(_("Die Zeit ist geändert. Die Änderung wartet auf die Freigabe des Hauses; bis dahin ist der Raum "
                        "dafür nicht gebucht.") if found.status == "requested" else _("Die Zeit ist geändert."))
                return redirect(url_for("rooms.booking", booking_id=found.id))
    return render_template("rooms/change.html", booking=found, occurrence=occurrence, form=form,
                           error=error), status


@bp.post("/bookings/<int:booking_id>/restore/<int:occurrence_id>")
@login_required
def restore(booking_id: int, occurrence_id: int):
    found = _visible(booking_id)
    occurrence = _occurrence(found, occurrence_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    status, error = _run(changes.restore, found, occurrence.id)
    if status is not None:
        return render_template("rooms/message.html", title=_("Termin nicht wieder aufgenommen"), error=error,
                               back=url_for("rooms.booking", booking_id=found.id)), status
    flash(_("Der Termin ist wieder angefragt; er ist erst mit der Freigabe des Hauses gebucht.")
          if occurrence.state == "pending" else _("Der Termin ist wieder aufgenommen."))
    return redirect(url_for("rooms.booking", booking_id=found.id))
