"""The shifts of one opportunity (login): free places, the roster of each (the confirmed in the
order they signed up, then the waiting list), add a shift, change its places, cancel it, take a
person off or put one on; a roster to print and as CSV.

The CSV is for Excel as partners have it (German: semicolons, UTF-8 with a byte order mark),
and safe against formula injection: a cell that starts with = + - @ (or a tab or carriage
return) gets a leading apostrophe, so a name like "=HYPERLINK(…)" stays text."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from shared.auth import login_required
from shared.db import as_utc
from shared.web.request_db import db, unit_of_work

from services.engagement.db import models
from services.engagement.domain.vocabulary import LOCAL_TZ
from services.engagement.exchange import posting, shift_admin
from services.engagement.exchange.errors import Refused
from services.engagement.exchange.offers import FormProblems
from services.engagement.web.context import ctx
from services.engagement.web.partner import give_up, put_problems, who
from services.engagement.web.partner_forms import ActionForm, AddPersonForm, CancelShiftForm, CapacityForm, ShiftForm
from services.engagement.web.partner_wording import SIGNUP_STATES, problem

bp = Blueprint(
    "engagement_shifts", __name__, url_prefix="/engagement/partner/opportunities/<int:opportunity_id>/shifts"
)
RISKY_START = ("=", "+", "-", "@", "\t", "\r")
# the shift form's fields by the use case's names
SHIFT_FIELDS = {"starts_at": "day", "ends_at": "ends", "deadline": "deadline_hours"}


def safe_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(RISKY_START) else text


def _opportunity(opportunity_id: int, action: str = "manage_opportunity") -> models.Opportunity:
    try:
        return posting.owned(db(), who(), opportunity_id, action)
    except Refused as refused:
        give_up(refused)
        raise


def _shift(opportunity_id: int, shift_id: int, action: str = "manage_opportunity") -> models.Shift:
    try:
        shift = shift_admin.shift_of(db(), who(), shift_id, action)
    except Refused as refused:
        give_up(refused)
        raise
    if shift.opportunity_id != opportunity_id:
        abort(404)
    return shift


def _page(
    opportunity_id: int,
    add: ShiftForm | None = None,
    failed: tuple[int, CapacityForm | CancelShiftForm | AddPersonForm] | None = None,
    error: str | None = None,
    status: int = 200,
):
    row = _opportunity(opportunity_id)
    if row.kind != "shift":
        abort(404)
    shifts = sorted(row.shifts, key=lambda s: as_utc(s.starts_at))
    now = ctx().now
    forms: dict[int, tuple[CapacityForm, CancelShiftForm, AddPersonForm]] = {}
    for s in shifts:
        capacity_form, cancel_form = CapacityForm(prefix=f"capacity{s.id}"), CancelShiftForm(prefix=f"cancel{s.id}")
        person_form = AddPersonForm(prefix=f"person{s.id}")
        if failed is not None and failed[0] == s.id:  # the form that failed, with its errors
            capacity_form = failed[1] if isinstance(failed[1], CapacityForm) else capacity_form
            cancel_form = failed[1] if isinstance(failed[1], CancelShiftForm) else cancel_form
            person_form = failed[1] if isinstance(failed[1], AddPersonForm) else person_form
        if not capacity_form.capacity.data:
            capacity_form.capacity.data = s.capacity
        forms[s.id] = (capacity_form, cancel_form, person_form)
    return render_template(
        "engagement/partner/shifts.html",
        row=row,
        shifts=shifts,
        rosters={s.id: shift_admin.roster(s) for s in shifts},
        forms=forms,
        add=add or ShiftForm(),
        action=ActionForm(),
        now=now,
        error=error,
        over=lambda s: as_utc(s.ends_at) <= now,
    ), status


@bp.get("")
@login_required
def shifts(opportunity_id: int):
    return _page(opportunity_id)


@bp.post("")
@login_required
def add(opportunity_id: int):
    form = ShiftForm()
    _opportunity(opportunity_id)
    if not form.validate_on_submit():
        return _page(opportunity_id, add=form, status=400)
    starts_at, ends_at = form.moments()
    try:
        with unit_of_work() as session:
            shift_admin.add_shift(
                session, ctx(), who(), opportunity_id, starts_at, ends_at, form.capacity.data or 0, form.deadline()
            )
    except FormProblems as refused:
        put_problems(form, refused.problems, SHIFT_FIELDS)
        return _page(opportunity_id, add=form, status=400)
    except Refused as refused:
        give_up(refused)
        return _page(opportunity_id, add=form, error=problem(refused.code), status=refused.status)
    flash(_("Der Termin ist angelegt."))
    return redirect(url_for("engagement_shifts.shifts", opportunity_id=opportunity_id), 303)


@bp.post("/<int:shift_id>/capacity")
@login_required
def capacity(opportunity_id: int, shift_id: int):
    _shift(opportunity_id, shift_id)
    form = CapacityForm(prefix=f"capacity{shift_id}")
    if not form.validate_on_submit():
        return _page(opportunity_id, failed=(shift_id, form), status=400)
    try:
        with unit_of_work() as session:
            moved = shift_admin.change_capacity(session, ctx(), who(), shift_id, form.capacity.data or 0)
            names = [s.name for s in moved]
    except Refused as refused:
        give_up(refused)
        if refused.field != "capacity":  # the shift is cancelled or over: no form to show it at
            return _page(opportunity_id, error=problem(refused.code), status=refused.status)
        form.capacity.errors = [problem(refused.code, "capacity")]
        return _page(opportunity_id, failed=(shift_id, form), status=refused.status)
    flash(_("Die Zahl der Plätze ist geändert."))
    if names:
        flash(_("Von der Warteliste nachgerückt und benachrichtigt: %(names)s", names=", ".join(names)))
    return redirect(
        url_for("engagement_shifts.shifts", opportunity_id=opportunity_id, _anchor=f"termin-{shift_id}"), 303
    )


@bp.post("/<int:shift_id>/cancel")
@login_required
def cancel(opportunity_id: int, shift_id: int):
    _shift(opportunity_id, shift_id)
    form = CancelShiftForm(prefix=f"cancel{shift_id}")
    if not form.validate_on_submit():
        return _page(opportunity_id, failed=(shift_id, form), status=400)
    try:
        with unit_of_work() as session:
            told = shift_admin.cancel_shift(session, ctx(), who(), shift_id, form.note.data or "")
    except FormProblems as refused:
        put_problems(form, refused.problems)
        return _page(opportunity_id, failed=(shift_id, form), status=400)
    except Refused as refused:
        give_up(refused)
        return _page(opportunity_id, error=problem(refused.code), status=refused.status)
    flash(_("Der Termin fällt aus. Wir haben %(count)s Menschen benachrichtigt.", count=told))
    return redirect(url_for("engagement_shifts.shifts", opportunity_id=opportunity_id), 303)


@bp.post("/<int:shift_id>/signups/<int:signup_id>/remove")
@login_required
def remove(opportunity_id: int, shift_id: int, signup_id: int):
    _shift(opportunity_id, shift_id, "manage_shift_people")
    if not ActionForm().validate_on_submit():
        abort(400)
    signup = db().get(models.Signup, signup_id)
    if signup is None or signup.shift_id != shift_id:
        abort(404)
    try:
        with unit_of_work() as session:
            shift_admin.remove_person(session, ctx(), who(), signup_id)
    except Refused as refused:
        give_up(refused)
        return _page(opportunity_id, error=problem(refused.code), status=refused.status)
    flash(_("%(name)s ist ausgetragen und benachrichtigt.", name=signup.name))
    return redirect(
        url_for("engagement_shifts.shifts", opportunity_id=opportunity_id, _anchor=f"termin-{shift_id}"), 303
    )


@bp.post("/<int:shift_id>/signups")
@login_required
def add_person(opportunity_id: int, shift_id: int):
    _shift(opportunity_id, shift_id, "manage_shift_people")
    form = AddPersonForm(prefix=f"person{shift_id}")
    if not form.validate_on_submit():
        return _page(opportunity_id, failed=(shift_id, form), status=400)
    try:
        with unit_of_work() as session:
            signup = shift_admin.add_person(
                session, ctx(), who(), shift_id, form.name.data or "", form.email.data or "", form.phone.data or ""
            )
            name, state = signup.name, signup.state
    except FormProblems as refused:
        put_problems(form, refused.problems)
        return _page(opportunity_id, failed=(shift_id, form), status=400)
    except Refused as refused:
        give_up(refused)
        if refused.field == "email":
            form.email.errors = [problem(refused.code)]
            return _page(opportunity_id, failed=(shift_id, form), status=refused.status)
        return _page(opportunity_id, error=problem(refused.code), status=refused.status)
    if state == "waiting":
        flash(_("%(name)s steht auf der Warteliste und bekommt eine E-Mail.", name=name))
    else:
        flash(_("%(name)s ist eingetragen und bekommt eine E-Mail mit dem Termin.", name=name))
    return redirect(
        url_for("engagement_shifts.shifts", opportunity_id=opportunity_id, _anchor=f"termin-{shift_id}"), 303
    )


@bp.get("/<int:shift_id>/roster")
@login_required
def roster(opportunity_id: int, shift_id: int):
    shift = _shift(opportunity_id, shift_id, "export_roster")
    return render_template(
        "engagement/partner/roster.html", shift=shift, row=shift.opportunity, lines=shift_admin.roster(shift)
    )


@bp.get("/<int:shift_id>/roster.csv")
@login_required
def roster_csv(opportunity_id: int, shift_id: int):
    shift = _shift(opportunity_id, shift_id, "export_roster")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Nr."), _("Stand"), _("Name"), _("E-Mail"), _("Telefon")])
    for line in shift_admin.roster(shift):
        writer.writerow(
            safe_cell(v)
            for v in (
                line.number,
                SIGNUP_STATES[line.state],
                line.signup.name,
                line.signup.volunteer.email,
                line.signup.phone or line.signup.volunteer.phone,
            )
        )
    day = as_utc(shift.starts_at).astimezone(LOCAL_TZ).strftime("%Y-%m-%d")
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="dienstplan-{shift.opportunity_id}-{day}.csv"',
            "Cache-Control": "no-store",
        },
    )
