"""The Patenschaften pages (login): a partner's Patenschaften by stage (the office sees every
partner's), starting one, its stages as a timeline with the next-stage form and the
coordinator's notes, and the partner's families. Thin: parse, call exchange/sponsorships.py
(which asks domain.permissions), render. Another partner's records are not there (404)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from shared.auth import current_account, login_required
from shared.identity.store import Principal
from shared.web.request_db import db, unit_of_work
from shared.web.typed_fields import choices, shown_day

from services.engagement.db import models
from services.engagement.domain import sponsorship as rules
from services.engagement.exchange import sponsorships
from services.engagement.exchange.errors import Refused
from services.engagement.exchange.offers import FormProblems
from services.engagement.web import wording
from services.engagement.web.context import ctx, partner_names
from services.engagement.web.sponsorship_forms import AdvanceForm, FamilyForm, NotesForm, StartForm

bp = Blueprint("engagement_sponsorships", __name__)
PICK = _l("– bitte wählen –")


@bp.context_processor
def _words():
    return {"stage_words": wording.STAGES, "end_reason_words": wording.END_REASONS, "shown_day": shown_day}


def _me() -> Principal:
    """The reader: staff of a partner or the office (anyone else has nothing here)."""
    me = current_account()
    if me is None or (not me.is_coordination and me.partner_id is None):
        abort(403)
    return me


def _give_up(refused: Refused) -> None:
    if refused.status in (403, 404):
        abort(refused.status)


def _put(form, problems: dict[str, str]) -> None:
    """The use case's codes as the fields' errors (a parse error of the form says it better)."""
    for name, code in problems.items():
        field = getattr(form, name)
        if not field.errors:
            field.errors = [wording.problem(code)]


def _owned(sponsorship_id: int) -> models.Sponsorship:
    try:
        return sponsorships.owned(db(), _me(), sponsorship_id)
    except Refused as refused:
        _give_up(refused)
        raise


# --- the list ---------------------------------------------------------------------------------
@bp.get("/engagement/partner/patenschaften/")
@login_required
def index():
    me = _me()
    rows = sponsorships.overview(db(), me)
    by_stage = [(stage, [r for r in rows if r.stage == stage]) for stage in rules.STAGES]
    return render_template(
        "engagement/sponsorships/index.html",
        by_stage=by_stage,
        since={r.id: sponsorships.as_domain(r).since for r in rows},
        timelines={r.id: _timeline(sponsorships.as_domain(r)) for r in rows},
        names=partner_names(),
        office=me.is_coordination,
        count=len(rows),
    )


# --- starting one -----------------------------------------------------------------------------
def _start_choices(form: StartForm, me: Principal) -> tuple[list, list]:
    names = partner_names()
    families = sponsorships.families(db(), me)
    people = sponsorships.candidates_for(db(), me)

    def of(partner_id: int) -> str:
        return f" ({names.get(partner_id, '')})" if me.is_coordination else ""

    form.family.choices = choices([("", PICK)] + [(str(f.id), f.name + of(f.partner_id)) for f in families])
    form.volunteer.choices = choices(
        [("", PICK)] + [(c.key, f"{c.name} – {c.opportunity_title}{of(c.partner_id)}") for c in people]
    )
    return families, people


@bp.route("/engagement/partner/patenschaften/new", methods=["GET", "POST"])
@login_required
def new():
    me = _me()
    form = StartForm()
    families, people = _start_choices(form, me)
    if request.method == "GET":
        form.day.data = sponsorships.today(ctx())
        return _new_page(form, families, people, 200)
    form.validate()
    if form.csrf_token.errors:
        return _new_page(form, families, people, 400)
    family_id = int(form.family.data) if (form.family.data or "").isdigit() else None
    try:
        with unit_of_work() as session:
            row = sponsorships.start(session, ctx(), me, family_id, form.volunteer.data or "", form.day.data)
            sponsorship_id = row.id
    except FormProblems as refused:
        _put(form, refused.problems)
        return _new_page(form, families, people, 400)
    except Refused as refused:
        _give_up(refused)
        raise
    flash(_("Die Patenschaft ist angelegt. Sie beginnt mit dem Erstgespräch."))
    return redirect(url_for("engagement_sponsorships.detail", sponsorship_id=sponsorship_id), 303)


def _new_page(form: StartForm, families: list, people: list, status: int):
    return render_template("engagement/sponsorships/new.html", form=form, families=families, people=people), status


# --- one Patenschaft --------------------------------------------------------------------------
def _timeline(s: rules.Sponsorship) -> list[tuple[str, date]]:
    """Each stage it went through with the day it began, the first talk first."""
    return [(rules.FIRST_TALK, s.started_on), *s.stage_days]


def _next_stages(s: rules.Sponsorship) -> list[str]:
    if s.ended:
        return []
    following = rules.STAGES[rules.STAGES.index(s.stage) + 1]
    return [following] if following == rules.ENDED else [following, rules.ENDED]


def _detail(
    row: models.Sponsorship,
    advance: AdvanceForm | None = None,
    notes: NotesForm | None = None,
    error: str | None = None,
    status: int = 200,
):
    s = sponsorships.as_domain(row)
    upcoming = _next_stages(s)
    advance = advance or AdvanceForm(formdata=None, stage=upcoming[0] if upcoming else None)
    advance.stage.choices = choices([(stage, wording.STAGES[stage]) for stage in upcoming])
    advance.reason.choices = choices([("", PICK)] + list(wording.END_REASONS.items()))
    if advance.day.data is None and not advance.day.raw_data:
        advance.day.data = sponsorships.today(ctx())
    notes = notes or NotesForm(formdata=None, notes=row.coordinator_notes)
    return render_template(
        "engagement/sponsorships/detail.html",
        row=row,
        s=s,
        timeline=_timeline(s),
        advance=advance,
        notes=notes,
        error=error,
        partner_name=partner_names().get(row.partner_id, ""),
        office=_me().is_coordination,
    ), status


@bp.get("/engagement/partner/patenschaften/<int:sponsorship_id>")
@login_required
def detail(sponsorship_id: int):
    return _detail(_owned(sponsorship_id))


@bp.post("/engagement/partner/patenschaften/<int:sponsorship_id>/stufe")
@login_required
def advance(sponsorship_id: int):
    me = _me()
    row = _owned(sponsorship_id)
    form = AdvanceForm()
    if not form.validate_on_submit():
        return _detail(row, advance=form, status=400)
    day: date = form.day.data
    try:
        with unit_of_work() as session:
            sponsorships.advance(session, ctx(), me, sponsorship_id, form.stage.data or "", day, form.reason.data)
    except Refused as refused:
        _give_up(refused)
        if refused.field is None:
            return _detail(row, advance=form, error=wording.problem(refused.code), status=refused.status)
        getattr(form, refused.field).errors = [wording.problem(refused.code)]
        return _detail(row, advance=form, status=refused.status)
    target = form.stage.data or ""
    flash(_("Gespeichert: %(stage)s seit %(day)s.", stage=wording.STAGES.get(target, ""), day=shown_day(day)))
    return redirect(url_for("engagement_sponsorships.detail", sponsorship_id=sponsorship_id), 303)


@bp.post("/engagement/partner/patenschaften/<int:sponsorship_id>/notizen")
@login_required
def notes(sponsorship_id: int):
    me = _me()
    row = _owned(sponsorship_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return _detail(row, notes=form, status=400)
    try:
        with unit_of_work() as session:
            sponsorships.edit_notes(session, ctx(), me, sponsorship_id, form.notes.data or "")
    except Refused as refused:
        _give_up(refused)
        form.notes.errors = [wording.problem(refused.code)]
        return _detail(row, notes=form, status=refused.status)
    flash(_("Die Notizen sind gespeichert."))
    return redirect(url_for("engagement_sponsorships.detail", sponsorship_id=sponsorship_id, _anchor="notizen"), 303)


# --- families ---------------------------------------------------------------------------------
@bp.route("/engagement/partner/familien/", methods=["GET", "POST"])
@login_required
def families():
    me = _me()
    names = partner_names()
    form = FamilyForm()
    form.partner.choices = choices([("", PICK)] + sorted(((str(i), n) for i, n in names.items()), key=lambda p: p[1]))
    status = 200
    if request.method == "POST":
        form.validate()
        status = 400
        if not form.csrf_token.errors:
            raw = form.partner.data or ""
            partner_id = (int(raw) if raw.isdigit() else 0) if me.is_coordination else me.partner_id
            try:
                with unit_of_work() as session:
                    sponsorships.add_family(
                        session, ctx(), me, partner_id or 0, form.name.data or "", form.contact.data or ""
                    )
            except FormProblems as refused:
                _put(form, refused.problems)
            except Refused as refused:
                _give_up(refused)
                raise
            else:
                flash(_("Die Familie ist gespeichert."))
                return redirect(url_for("engagement_sponsorships.families"), 303)
    return render_template(
        "engagement/sponsorships/families.html",
        form=form,
        families=sponsorships.families(db(), me),
        names=names,
        office=me.is_coordination,
    ), status
