"""A volunteer's own page, by the signed link in their mails (no account): what they offered,
where they stand, withdraw, delete their data. GET only shows; every change is a POST with CSRF
(a mail scanner opening the link changes nothing)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.web.request_db import db, unit_of_work

from services.engagement.domain import application as application_rules
from services.engagement.exchange import commitments, interests
from services.engagement.exchange.errors import Refused
from services.engagement.web import wording
from services.engagement.web.context import ctx
from services.engagement.web.forms import ActionForm, LinkForm

bp = Blueprint("engagement_mine", __name__)


def _volunteer(session, token: str):
    try:
        return commitments.volunteer_of(session, ctx(), token)
    except Refused:
        abort(404)


@bp.route("/engagement/mein-link", methods=["GET", "POST"])
def lost_link():
    form, status = LinkForm(), 200
    if form.validate_on_submit():
        problem = application_rules.email_problem(form.email.data or "")
        if problem is None:
            with unit_of_work() as session:
                commitments.send_link(session, ctx(), form.email.data or "")
            return render_template("engagement/link_sent.html")
        form.email.errors, status = [wording.problem(problem)], 400
    elif form.is_submitted():
        status = 400
    return render_template("engagement/lost_link.html", form=form), status


@bp.get("/engagement/mine/<token>")
def page(token: str):
    found = commitments.mine(db(), _volunteer(db(), token))
    context = ctx()
    others = {s.id: commitments.other_dates(s, context) for s in found.signups}
    return render_template(
        "engagement/mine.html", mine=found, token=token, form=ActionForm(), now=context.now, others=others
    )


@bp.post("/engagement/mine/<token>/<any(application, signup):kind>/<int:offer_id>/withdraw")
def withdraw(token: str, kind: str, offer_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work() as session:
            volunteer = _volunteer(session, token)
            if kind == "application":
                commitments.withdraw_application(session, ctx(), volunteer, offer_id)
            else:
                commitments.withdraw_signup(session, ctx(), volunteer, offer_id)
    except Refused as refused:
        if refused.status == 404:
            abort(404)
        flash(wording.problem(refused.code))
        return redirect(url_for("engagement_mine.page", token=token), 303)
    flash(_("Erledigt: Sie haben Ihre Zusage zurückgezogen. Wir haben den Partner benachrichtigt."))
    return redirect(url_for("engagement_mine.page", token=token), 303)


@bp.post("/engagement/mine/<token>/signup/<int:offer_id>/move")
def move(token: str, offer_id: int):
    form = ActionForm()
    target = request.form.get("shift", "")
    if not form.validate_on_submit():
        abort(400)
    if not target.isdigit():
        flash(wording.problem("shift_unknown"))
        return redirect(url_for("engagement_mine.page", token=token), 303)
    try:
        with unit_of_work() as session:
            landed = commitments.move_signup(session, ctx(), _volunteer(session, token), offer_id, int(target))
    except Refused as refused:
        if refused.status == 404:
            abort(404)
        flash(wording.problem(refused.code))
        return redirect(url_for("engagement_mine.page", token=token), 303)
    if landed == "confirmed":
        flash(_("Erledigt: Sie haben den Termin gewechselt. Den neuen Termin haben wir Ihnen gemailt."))
    else:
        flash(
            _(
                "Erledigt: Der neue Termin ist voll, Sie stehen dort auf der Warteliste. Den alten Platz haben Sie freigegeben."
            )
        )
    return redirect(url_for("engagement_mine.page", token=token), 303)


@bp.post("/engagement/mine/<token>/interest/<int:interest_id>/stop")
def stop_interest(token: str, interest_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    with unit_of_work() as session:
        try:
            interests.stop(session, ctx(), _volunteer(session, token), interest_id)
        except Refused:
            abort(404)
    flash(_("Erledigt: Dieser Suchauftrag ist beendet."))
    return redirect(url_for("engagement_mine.page", token=token), 303)


@bp.route("/engagement/mine/<token>/delete", methods=["GET", "POST"])
def delete(token: str):
    form = ActionForm()
    volunteer = _volunteer(db(), token)
    if not form.validate_on_submit():
        return render_template("engagement/delete.html", token=token, form=form, volunteer=volunteer), (
            400 if form.is_submitted() else 200
        )
    with unit_of_work() as session:
        commitments.delete_data(session, ctx(), _volunteer(session, token))
    return render_template("engagement/deleted.html")
