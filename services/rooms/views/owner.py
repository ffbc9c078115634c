""""Meine Räume" for the staff of the rooms' owner: rules per room (opening hours, durations,
lead time, buffer, approval), closures, and the queue of requests with the conflicts each
would cause, approved or declined with a comment."""
from __future__ import annotations

from datetime import time

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from shared.auth import current_account, login_required
from shared.web.request_db import db

from services.rooms import changes, domain, messages, queries, rules_ops
from services.rooms.domain import WEEKDAYS, permissions
from services.rooms.errors import ClosureNotFound, InvalidInput, NotAllowed, RoomNotFound
from services.rooms.forms import ClosureForm, DecisionForm, RulesForm
from services.rooms.models import ClosureRow, Room
from services.rooms.views import bp, partner_name
from services.rooms.views.mine import _run
from services.rooms.webctx import ctx


def _my_rooms() -> list[Room]:
    me = current_account()
    return [r for r in queries.active_rooms(db()) if permissions.can_manage_rules(r, me)]


@bp.get("/mine")
@login_required
def my_rooms():
    return render_template("rooms/my_rooms.html", rooms=_my_rooms(),
                           waiting=len(rules_ops.approval_queue(db(), current_account())))


def _owned(room_id: int) -> Room:
    try:
        rules_ops.get_rules(db(), current_account(), room_id)
    except RoomNotFound:
        abort(404)
    except NotAllowed:
        abort(403)
    return queries.room(db(), room_id)


def _closure_rows(room: Room) -> list[ClosureRow]:
    return list(db().scalars(select(ClosureRow).where(queries.applies_to(room)).order_by(ClosureRow.first_day)))


def _values(room_id: int) -> dict:
    return rules_ops.get_rules(db(), current_account(), room_id)


@bp.route("/<int:room_id>/rules", methods=["GET", "POST"])
@login_required
def rules(room_id: int):
    room = _owned(room_id)
    current = _values(room_id)
    form = RulesForm(data=None if FlaskForm().is_submitted() else _form_data(current))
    status, error = 200, None
    if form.is_submitted():
        if form.validate() and not _opening_problems(form):
            values = dict(current, opening=_opening(form), min_minutes=form.min_minutes.data,
                          max_minutes=form.max_minutes.data, max_days_ahead=form.max_days_ahead.data,
                          buffer_minutes=form.buffer_minutes.data, approval_required=form.approval_required.data)
            try:
                rules_ops.put_rules(db(), current_account(), room_id, values)
            except InvalidInput as exc:
                for field, texts in messages.problems(exc.problems).items():
                    target = getattr(form, field, None) or form.min_minutes
                    target.errors = list(target.errors) + texts
            else:
                flash(_("Die Regeln sind gespeichert."))
                return redirect(url_for("rooms.rules", room_id=room_id))
        status, error = 400, _("Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert.")
    return _rules_page(room, form, ClosureForm(prefix="closure"), status, error)


def _rules_page(room, form, closure_form, status=200, error=None):
    return render_template("rooms/rules.html", room=room, form=form, closure_form=closure_form, error=error,
                           closures=_closure_rows(room), weekdays=WEEKDAYS, remove_form=FlaskForm()), status


def _form_data(current: dict) -> dict:
    data = {k: current[k] for k in ("min_minutes", "max_minutes", "max_days_ahead", "buffer_minutes",
                                    "approval_required")}
    for key, (opens, closes) in current["opening"].items():
        data[f"open_{key}"], data[f"close_{key}"] = time.fromisoformat(opens), time.fromisoformat(closes)
    return data


def _opening_problems(form: RulesForm) -> bool:
    found = False
    for key in WEEKDAYS:
        opens, closes = getattr(form, f"open_{key}"), getattr(form, f"close_{key}")
        if (opens.data is None) != (closes.data is None):
            closes.errors = list(closes.errors) + [_("Bitte Beginn und Ende angeben oder beide leer lassen.")]
            found = True
        elif opens.data and closes.data <= opens.data:
            closes.errors = list(closes.errors) + [_("Die Schließzeit muss nach der Öffnungszeit liegen.")]
            found = True
    return found


def _opening(form: RulesForm) -> dict:
    return {key: [getattr(form, f"open_{key}").data.strftime("%H:%M"), getattr(form, f"close_{key}").data.strftime("%H:%M")]
            for key in WEEKDAYS if getattr(form, f"open_{key}").data}


@bp.post("/<int:room_id>/closures")
@login_required
def add_closure(room_id: int):
    room = _owned(room_id)
    form = ClosureForm(prefix="closure")
    if form.validate():
        current = _values(room_id)
        closure = {"first_day": form.first_day.data, "last_day": form.last_day.data,
                   "reason": form.reason.data or "", "all_rooms": form.all_rooms.data}
        try:
            rules_ops.put_rules(db(), current_account(), room_id, dict(current, closures=current["closures"] + [closure]))
        except InvalidInput as exc:
            form.last_day.errors = [t for ts in messages.problems(exc.problems).values() for t in ts]
        else:
            flash(_("Die Schließzeit ist eingetragen."))
            return redirect(url_for("rooms.rules", room_id=room_id))
    rules_form = RulesForm(formdata=None, data=_form_data(_values(room_id)))
    return _rules_page(room, rules_form, form, 400, _("Die Schließzeit wurde nicht eingetragen."))


@bp.post("/<int:room_id>/closures/<int:closure_id>/remove")
@login_required
def remove_closure(room_id: int, closure_id: int):
    _owned(room_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        rules_ops.remove_closure(db(), current_account(), room_id, closure_id)
    except ClosureNotFound:
        abort(404)
    flash(_("Die Schließzeit ist entfernt."))
    return redirect(url_for("rooms.rules", room_id=room_id))


@bp.get("/requests")
@login_required
def requests():
    me, context = current_account(), ctx()
    queue = []
    for booking in rules_ops.approval_queue(db(), me):
        queue.append((booking, _would_collide(booking, me, context)))
    return render_template("rooms/requests.html", queue=queue, form=DecisionForm(), partner_name=partner_name,
                           messages=messages)


def _would_collide(booking, me, context) -> list:
    """(occurrence, [conflict lines]) for each pending date of a request."""
    pending = [o for o in booking.occurrences if o.state == "pending"]
    if not pending:
        return []
    rules = queries.rules_of(db(), booking.room_id)
    held = [h for h in queries.holdings_between(db(), booking.room_id, pending[0].starts_at, pending[-1].ends_at)
            if h.booking_id != booking.id]
    return [(o, [messages.conflict_line(c, partner_name(c.partner_id))
                 for c in domain.conflicts(domain.Slot(o.starts_at, o.ends_at), held, me.partner_id, rules.buffer)])
            for o in pending]


@bp.post("/requests/<int:booking_id>/<decision>")
@login_required
def decide(booking_id: int, decision: str):
    if decision not in ("approve", "decline"):
        abort(404)
    found = queries.booking_for(db(), booking_id, current_account())
    if found is None:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_template("rooms/message.html", title=_("Nicht entschieden"),
                               error=" ".join(form.comment.errors) or _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu."),
                               back=url_for("rooms.requests")), 400
    fn = changes.approve if decision == "approve" else changes.decline
    status, error = _run(fn, found, form.comment.data or "", sequence=form.seen_sequence())
    if status is not None:
        return render_template("rooms/message.html", title=_("Nicht entschieden"), error=error,
                               back=url_for("rooms.requests")), status
    flash(_("Die Anfrage ist freigegeben.") if decision == "approve" else _("Die Anfrage ist abgelehnt."))
    return redirect(url_for("rooms.requests"))
