""" "Meine Räume" for the staff of the rooms' owner: their rooms (administration: web/admin.py), rules
per room (opening hours, durations, lead time, buffer, approval) and closures."""

from __future__ import annotations

from datetime import time

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from shared.auth import current_account, login_required
from shared.web.request_db import db

from services.rooms.booking import rules as room_rules
from services.rooms.db import queries
from services.rooms.db.models import ClosureRow, Room
from services.rooms.domain import WEEKDAYS, permissions
from services.rooms.request_context import ctx, partner_names
from services.rooms.web.blueprint import attempt, bp, managed_room, signed_in
from services.rooms.web.forms import ClosureForm, RulesForm


def _my_rooms() -> list[Room]:
    me = current_account()
    return [r for r in queries.active_rooms(db()) if permissions.can_manage_rules(r, me)]


@bp.get("/mine")
@login_required
def my_rooms():
    me = current_account()
    return render_template(
        "rooms/my_rooms.html",
        rooms=_my_rooms(),
        retired=queries.retired_rooms(db(), me),
        waiting=len(queries.approval_queue(db(), me)),
        may_offer=permissions.can_offer_for_others(me) or permissions.can_create_room(me.partner_id or 0, me),
        office=permissions.oversees_network(me),
        partners=partner_names(),
    )


def _owned(room_id: int) -> Room:
    return managed_room(room_id, permissions.can_manage_rules)


def _closure_rows(room: Room) -> list[ClosureRow]:
    return list(db().scalars(select(ClosureRow).where(queries.applies_to(room)).order_by(ClosureRow.first_day)))


def _current(room: Room) -> dict:
    return room_rules.as_dict(queries.rules_of(db(), room.id), queries.closures_of(db(), room))


@bp.route("/<int:room_id>/rules", methods=["GET", "POST"])
@login_required
def rules(room_id: int):
    form = RulesForm(data=None) if FlaskForm().is_submitted() else None
    status, error = 200, None
    if form is not None:
        if form.validate() and not _opening_problems(form):
            values = dict(
                opening=_opening(form),
                min_minutes=form.min_minutes.data,
                max_minutes=form.max_minutes.data,
                max_days_ahead=form.max_days_ahead.data,
                buffer_minutes=form.buffer_minutes.data,
                approval_required=form.approval_required.data,
            )
            me = signed_in()
            _done, refused = attempt(lambda session: room_rules.change_rules(session, me, room_id, values), ctx())
            if refused is None:
                flash(_("Die Regeln sind gespeichert."))
                return redirect(url_for("rooms.rules", room_id=room_id))
            for field, texts in refused.errors.items():
                target = getattr(form, field, None) or form.min_minutes
                target.errors = list(target.errors) + texts
        status, error = 400, _("Bitte prüfen Sie die markierten Angaben. Es wurde nichts gespeichert.")
    room = _owned(room_id)
    form = form or RulesForm(data=_form_data(_current(room)))
    return _rules_page(room, form, ClosureForm(prefix="closure"), status, error)


def _rules_page(room, form, closure_form, status=200, error=None):
    return render_template(
        "rooms/rules.html",
        room=room,
        form=form,
        closure_form=closure_form,
        error=error,
        closures=_closure_rows(room),
        weekdays=WEEKDAYS,
        remove_form=FlaskForm(),
    ), status


def _form_data(current: dict) -> dict:
    data = {
        k: current[k] for k in ("min_minutes", "max_minutes", "max_days_ahead", "buffer_minutes", "approval_required")
    }
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
    return {
        key: [getattr(form, f"open_{key}").data.strftime("%H:%M"), getattr(form, f"close_{key}").data.strftime("%H:%M")]
        for key in WEEKDAYS
        if getattr(form, f"open_{key}").data
    }


@bp.post("/<int:room_id>/closures")
@login_required
def add_closure(room_id: int):
    form = ClosureForm(prefix="closure")
    if form.validate():
        closure = {
            "first_day": form.first_day.data,
            "last_day": form.last_day.data,
            "reason": form.reason.data or "",
            "all_rooms": form.all_rooms.data,
        }
        me = signed_in()
        _done, refused = attempt(lambda session: room_rules.add_closure(session, me, room_id, closure), ctx())
        if refused is None:
            flash(_("Die Schließzeit ist eingetragen."))
            return redirect(url_for("rooms.rules", room_id=room_id))
        form.last_day.errors = [t for ts in refused.errors.values() for t in ts]
    room = _owned(room_id)
    rules_form = RulesForm(formdata=None, data=_form_data(_current(room)))
    return _rules_page(room, rules_form, form, 400, _("Die Schließzeit wurde nicht eingetragen."))


@bp.post("/<int:room_id>/closures/<int:closure_id>/remove")
@login_required
def remove_closure(room_id: int, closure_id: int):
    if not FlaskForm().validate_on_submit():
        _owned(room_id)
        abort(400)
    me = signed_in()
    _done, refused = attempt(lambda session: room_rules.remove_closure(session, me, room_id, closure_id), ctx())
    if refused:
        abort(refused.status)
    flash(_("Die Schließzeit ist entfernt."))
    return redirect(url_for("rooms.rules", room_id=room_id))
