"""The partner's records of the people who help with an opportunity: hours, the Führungszeugnis
note, and the Engagementnachweis as PDF (exchange/records.py)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth import login_required
from shared.pdf import render_pdf
from shared.web.request_db import db, unit_of_work

from services.engagement.exchange import records
from services.engagement.exchange.offers import FormProblems
from services.engagement.web import wording
from services.engagement.web.access import opportunity_for
from services.engagement.web.context import ctx
from services.engagement.web.forms import ActionForm, CertificateForm, HoursForm, minutes_of

bp = Blueprint("engagement_records", __name__)
STATIC = Path(__file__).resolve().parent.parent / "static"
BASE = "/engagement/partner/opportunities/<int:opportunity_id>/helpers"


@bp.get(BASE)
@login_required
def helpers(opportunity_id: int):
    opportunity = opportunity_for(opportunity_id, "record_hours")
    return render_template(
        "engagement/helpers.html", opportunity=opportunity, helpers=records.helpers(db(), ctx(), opportunity)
    )


def _helper_page(opportunity, volunteer_id: int, hours_form=None, certificate_form=None, status=200):
    helper = records.helper(db(), ctx(), opportunity, volunteer_id)
    note = records.certificate_note(db(), opportunity.partner_id, volunteer_id)
    return render_template(
        "engagement/helper.html",
        opportunity=opportunity,
        helper=helper,
        entries=records.entries(db(), opportunity, volunteer_id),
        note=note,
        hours_form=hours_form or HoursForm(),
        certificate_form=certificate_form or CertificateForm(),
        action_form=ActionForm(),
    ), status


@bp.get(BASE + "/<int:volunteer_id>")
@login_required
def helper(opportunity_id: int, volunteer_id: int):
    return _helper_page(opportunity_for(opportunity_id, "record_hours"), volunteer_id)


@bp.post(BASE + "/<int:volunteer_id>/hours")
@login_required
def add_hours(opportunity_id: int, volunteer_id: int):
    form = HoursForm()
    valid, minutes = form.validate_on_submit(), minutes_of(form.hours.data or "")
    if valid and minutes is None:
        form.hours.errors = [_("Bitte als Stunden angeben, z. B. 2, 1,5 oder 1:30.")]
    elif valid and minutes is not None:
        try:
            with unit_of_work() as session:
                owned = opportunity_for(opportunity_id, "record_hours", session)
                records.add_hours(session, ctx(), owned, volunteer_id, form.day.data, minutes, form.note.data or "")
        except FormProblems as refused:
            _word(form, refused.problems, {"minutes": "hours"})
        else:
            return _back(opportunity_id, volunteer_id, _("Gespeichert."))
    return _helper_page(opportunity_for(opportunity_id, "record_hours"), volunteer_id, hours_form=form, status=400)


@bp.post(BASE + "/<int:volunteer_id>/hours/<int:entry_id>/delete")
@login_required
def delete_hours(opportunity_id: int, volunteer_id: int, entry_id: int):
    if not ActionForm().validate_on_submit():
        return _helper_page(opportunity_for(opportunity_id, "record_hours"), volunteer_id, status=400)
    with unit_of_work() as session:
        records.delete_hours(session, opportunity_for(opportunity_id, "record_hours", session), volunteer_id, entry_id)
    return _back(opportunity_id, volunteer_id, _("Eintrag gelöscht."))


@bp.post(BASE + "/<int:volunteer_id>/certificate")
@login_required
def record_certificate(opportunity_id: int, volunteer_id: int):
    form = CertificateForm()
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                owned = opportunity_for(opportunity_id, "record_certificate", session)
                records.record_certificate(
                    session, ctx(), owned, volunteer_id, form.seen_on.data, form.seen_by.data or ""
                )
        except FormProblems as refused:
            _word(form, refused.problems, {})
        else:
            return _back(opportunity_id, volunteer_id, _("Vermerkt: Führungszeugnis gesehen."))
    opportunity = opportunity_for(opportunity_id, "record_certificate")
    return _helper_page(opportunity, volunteer_id, certificate_form=form, status=400)


@bp.get(BASE + "/<int:volunteer_id>/nachweis.pdf")
@login_required
def statement_pdf(opportunity_id: int, volunteer_id: int):
    opportunity = opportunity_for(opportunity_id, "record_hours")
    statement = records.statement(db(), ctx(), opportunity, volunteer_id)
    html = render_template("engagement/statement.html", statement=statement)
    base = request.host_url.rstrip("/")
    files = {
        f"{base}/engagement/static/statement.css": STATIC / "statement.css",
    }
    pdf = render_pdf(html, base + "/", files)
    name = "Engagementnachweis.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _back(opportunity_id: int, volunteer_id: int, done: str):
    """After a change: the helper's page again, saying what was done."""
    flash(done)
    return redirect(url_for("engagement_records.helper", opportunity_id=opportunity_id, volunteer_id=volunteer_id), 303)


def _word(form, problems: dict[str, str], fields: dict[str, str]) -> None:
    for name, code in problems.items():
        field = getattr(form, fields.get(name, name), None)
        if field is not None:
            field.errors = [wording.record_problem(field.name, code)]
