"""The inbox of one opportunity (login): the offers of help that reached its partner, newest
first, each with its buttons: accept (a message, perhaps a first meeting), decline, put in
touch. The confirmation mail to the partner's contact links here (exchange/confirming.py).

Each offer's forms carry a prefix with its id: several on one page, each field with its own id,
and a failed one opens at its first error."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from shared.auth import login_required
from shared.web.request_db import db, unit_of_work

from services.engagement.exchange import deciding, interests
from services.engagement.exchange.errors import Refused
from services.engagement.exchange.offers import FormProblems
from services.engagement.web.context import ctx
from services.engagement.web.partner import give_up, put_problems, who
from services.engagement.web.partner_forms import AcceptForm, AnswerForm
from services.engagement.web.partner_wording import problem

bp = Blueprint("engagement_inbox", __name__, url_prefix="/engagement/partner/opportunities/<int:opportunity_id>")
KINDS = ("accept", "decline", "in_touch")


def forms_for(application_id: int) -> dict[str, AcceptForm | AnswerForm]:
    return {
        "accept": AcceptForm(prefix=f"accept{application_id}"),
        "decline": AnswerForm(prefix=f"decline{application_id}"),
        "in_touch": AnswerForm(prefix=f"in_touch{application_id}"),
    }


def _page(opportunity_id: int, failed: tuple[int, str, object] | None = None, error: str | None = None, status=200):
    try:
        row, applications = deciding.inbox(db(), who(), opportunity_id)
    except Refused as refused:
        give_up(refused)
        raise
    forms = {a.id: forms_for(a.id) for a in applications}
    if failed is not None and failed[0] in forms:
        forms[failed[0]][failed[1]] = failed[2]  # type: ignore[assignment]  # the failed form, with its errors
    return render_template(
        "engagement/partner/inbox.html",
        row=row,
        applications=applications,
        forms=forms,
        failed=failed[0] if failed else None,
        failed_kind=failed[1] if failed else None,
        error=error,
        suggestions=interests.suggested(db(), ctx(), row),
    ), status


@bp.get("/inbox")
@login_required
def inbox(opportunity_id: int):
    return _page(opportunity_id)


@bp.post("/inbox/<int:application_id>/<any(accept, decline, in_touch):kind>")
@login_required
def decide(opportunity_id: int, application_id: int, kind: str):
    form = forms_for(application_id)[kind]
    me = who()
    try:
        applications = deciding.inbox(db(), me, opportunity_id)[1]
    except Refused as refused:
        give_up(refused)
        raise
    if application_id not in {a.id for a in applications}:
        abort(404)
    if not form.validate_on_submit():
        return _page(opportunity_id, (application_id, kind, form), status=400)
    message = form.message.data or ""
    try:
        with unit_of_work() as session:
            if kind == "accept":
                assert isinstance(form, AcceptForm)
                moments = form.meeting_moments()
                meeting = deciding.Meeting(moments[0], moments[1], form.meeting_place.data or "") if moments else None
                decided = deciding.accept(session, ctx(), me, application_id, message, meeting)
            elif kind == "decline":
                decided = deciding.decline(session, ctx(), me, application_id, message)
            else:
                decided = deciding.put_in_touch(session, ctx(), me, application_id, message)
            name = decided.name
    except FormProblems as refused:
        put_problems(form, refused.problems)
        return _page(opportunity_id, (application_id, kind, form), status=400)
    except Refused as refused:
        give_up(refused)
        return _page(opportunity_id, error=problem(refused.code), status=refused.status)
    done = {
        "accept": _("Angenommen. %(name)s bekommt eine E-Mail von uns."),
        "decline": _("Abgesagt. %(name)s bekommt eine freundliche E-Mail von uns."),
        "in_touch": _("%(name)s weiß jetzt, dass Sie sich melden."),
    }[kind]
    flash(done % {"name": name})
    return redirect(url_for("engagement_inbox.inbox", opportunity_id=opportunity_id), 303)
