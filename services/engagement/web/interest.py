"""The interest form, for when nothing fits: the search's facets (without "how often"), a name,
an address and consent; confirmed by the mail's link like an offer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from shared.web.request_db import unit_of_work

from services.engagement.exchange import interests, offers
from services.engagement.exchange.errors import Refused
from services.engagement.web import wording
from services.engagement.web.context import ctx
from services.engagement.web.forms import InterestForm
from services.engagement.web.public import FACETS, chosen, language

bp = Blueprint("engagement_interest", __name__)
WISH_FACETS = tuple(f for f in FACETS if f[1] != "kinds")


def _page(form: InterestForm, picked: dict[str, Any], problems: dict[str, str], error: str | None, status: int):
    return render_template(
        "engagement/interest.html", form=form, facets=WISH_FACETS, picked=picked, problems=problems, error=error
    ), status


@bp.get("/engagement/interesse")
def form_page():
    # the search's filters carry over: "nothing fits this" is the usual way here
    return _page(InterestForm(), chosen(request.args, WISH_FACETS), {}, None, 200)


@bp.post("/engagement/interesse")
def leave():
    form = InterestForm()
    picked = chosen(request.form, WISH_FACETS)
    if not form.validate_on_submit():
        return _page(form, picked, {}, None, 400)
    wish = interests.Wish(
        name=form.name.data or "",
        email=form.email.data or "",
        consent=bool(form.consent.data),
        language=language(),
        **picked,
    )
    try:
        with unit_of_work() as session:
            interests.leave_interest(session, ctx(), wish)
    except offers.FormProblems as refused:
        facet_problems = {}
        for name, code in refused.problems.items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = [wording.problem(code)]
            else:
                facet_problems[name] = wording.problem(code)
        return _page(form, picked, facet_problems, None, 400)
    except Refused as refused:
        if refused.status == 404:
            abort(404)
        return _page(form, picked, {}, wording.problem(refused.code), refused.status)
    return redirect(url_for("engagement_interest.sent"), 303)


@bp.get("/engagement/interesse/gesendet")
def sent():
    return render_template("engagement/interest_sent.html", days=ctx().confirm_within.days)
