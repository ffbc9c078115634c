"""The public pages: find an opportunity, read it, offer help, confirm by the mail's link."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from shared.db import as_utc
from shared.local_times import span
from shared.web.request_db import db, unit_of_work
from shared.web.typed_fields import choices

from services.engagement.domain import links, search as rules
from services.engagement.domain.vocabulary import DISTRICTS, TIMES_OF_DAY, TOPICS, WEEKDAYS, WITH_WHOM
from services.engagement.exchange import confirming, convert, listing, offers
from services.engagement.exchange.errors import Refused
from services.engagement.web import wording
from services.engagement.web.context import ctx, partner_names, partners
from services.engagement.web.forms import ConfirmForm, OfferForm

bp = Blueprint(
    "engagement",
    __name__,
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/engagement/static",
)

# the address's arguments: short German words, as people might share a search
FACETS = (
    ("stadtteil", "districts", DISTRICTS),
    ("thema", "topics", TOPICS),
    ("mit", "with_whom", WITH_WHOM),
    ("tag", "weekdays", WEEKDAYS),
    ("zeit", "times_of_day", tuple(TIMES_OF_DAY)),
    ("art", "kinds", ("shift", "regular", "open")),
)
WORKDAYS_KEY = "werktags"
HOURS_CHOICES = (2, 4, 8)  # "höchstens … Stunden" (a shift, or a week)


def chosen(values: MultiDict, facets=FACETS) -> dict[str, tuple]:
    """The facets' values chosen in a query string or a form, as the domain's names. A weekday
    that is no digit becomes -1, which the domain refuses with the other unknown values."""
    found: dict[str, tuple] = {}
    for arg, name, _allowed in facets:
        raw = values.getlist(arg)[:20]
        if name == "weekdays":
            days: list[int] = []
            for item in raw:
                if item == WORKDAYS_KEY:
                    days.extend(range(5))
                else:
                    days.append(int(item) if item.isdigit() and len(item) == 1 else -1)
            found[name] = tuple(dict.fromkeys(days))
        else:
            found[name] = tuple(dict.fromkeys(raw))
    return found


def _query() -> tuple[rules.Query, dict[str, str]]:
    values: dict[str, Any] = chosen(request.args)
    hours = request.args.get("stunden", "")
    longest = int(hours) * 60 if hours.isdigit() and len(hours) <= 2 else (-1 if hours else None)
    query = rules.Query(**values, no_certificate=request.args.get("ohne_fz") == "1", max_minutes=longest)
    return query, rules.query_problems(query)


@bp.get("/engagement/")
def index():
    query, problems = _query()
    context = ctx()
    hits = [] if problems else listing.search(db(), context, query, kept())
    page, pages = _page_of(len(hits))
    shown = hits[(page - 1) * PAGE : page * PAGE]
    partners = partner_names()
    status = 400 if problems else 200
    return render_template(
        "engagement/index.html",
        query=query,
        problems=problems,
        hits=shown,
        total=len(hits),
        page=page,
        pages=pages,
        previous=_page_url(page - 1) if page > 1 else None,
        following=_page_url(page + 1) if page < pages else None,
        partners=partners,
        facets=FACETS,
        hours_choices=HOURS_CHOICES,
        any_filter=bool(request.args),
    ), status


PAGE = 30  # hits on one page; a phone scrolls through them, "Weitere Angebote" pages on


def _page_of(total: int) -> tuple[int, int]:
    """The page asked for (`seite`, from 1) and how many there are; a page past the end is the last."""
    pages = max(1, -(-total // PAGE))
    raw = request.args.get("seite", "1")
    return (min(int(raw), pages) if raw.isdigit() and raw != "0" and len(raw) < 6 else 1), pages


def _page_url(page: int) -> str:
    """This search's address on another page."""
    arguments: dict[str, Any] = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "seite"}
    if page > 1:
        arguments["seite"] = page
    return url_for("engagement.index", **arguments) + "#angebote"


def kept() -> dict:
    """The app's store of the search's converted values (exchange/listing.py says when it is read again)."""
    store: dict = current_app.extensions.setdefault("engagement_listing", {})
    return store


def _offer_page(opportunity_id: int, form: OfferForm, error: str | None = None, status: int = 200):
    context = ctx()
    row = offers.published(db(), opportunity_id)
    shifts = listing.ahead(row, context)
    reader = language()
    form.shift.choices = choices([(str(s.id), _shift_label(s, reader)) for s in shifts])
    partner = next((p for p in partners() if p["id"] == row.partner_id), None)
    return render_template(
        "engagement/opportunity.html",
        row=row,
        opportunity=listing.as_searched(row, context),
        shifts=shifts,
        partner=partner,
        form=form,
        error=error,
    ), status


def _shift_label(shift, language: str) -> str:
    free = convert.shift(shift).free_places
    when = span(as_utc(shift.starts_at), as_utc(shift.ends_at), language)
    if free:
        return f"{when} – " + wording.places_free(free)
    return f"{when} – " + str(wording.FULL)


def language() -> str:
    locale = get_locale()
    return locale.language if locale and locale.language in ("de", "en") else "de"


@bp.get("/engagement/<int:opportunity_id>")
def opportunity(opportunity_id: int):
    return _offer_page(opportunity_id, OfferForm())


@bp.post("/engagement/<int:opportunity_id>")
def offer(opportunity_id: int):
    form = OfferForm()
    if not form.validate_on_submit():  # only the CSRF token can fail here
        return _offer_page(opportunity_id, form, status=400)
    shift_id = int(form.shift.data) if (form.shift.data or "").isdigit() else None
    details = offers.Offer(
        name=form.name.data or "",
        email=form.email.data or "",
        phone=form.phone.data or "",
        availability=form.availability.data or "",
        message=form.message.data or "",
        consent=bool(form.consent.data),
        language=language(),
    )
    try:
        with unit_of_work() as session:
            offers.offer_help(session, ctx(), opportunity_id, details, shift_id)
    except offers.FormProblems as refused:
        for name, code in refused.problems.items():
            getattr(form, name).errors = [wording.problem(code)]
        return _offer_page(opportunity_id, form, status=400)
    except Refused as refused:
        if refused.status == 404:
            abort(404)
        if refused.field == "shift":
            form.shift.errors = [wording.problem(refused.code)]
            return _offer_page(opportunity_id, form, status=refused.status)
        return _offer_page(opportunity_id, form, wording.problem(refused.code), refused.status)
    return redirect(url_for("engagement.offered", opportunity_id=opportunity_id))


@bp.get("/engagement/<int:opportunity_id>/gesendet")
def offered(opportunity_id: int):
    row = offers.published(db(), opportunity_id)
    return render_template("engagement/offered.html", row=row, days=ctx().confirm_within.days)


@bp.route("/engagement/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    form, status = ConfirmForm(), 200
    done = error = None
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                done = confirming.confirm(session, ctx(), token)
        except Refused as refused:
            if refused.status == 404:
                abort(404)
            error, status = wording.problem(refused.code), refused.status
    elif form.is_submitted():
        status = 400
    if done is None and error is None and links.read_confirm_token(ctx().secret, token) is None:
        abort(404)
    return render_template("engagement/confirm.html", form=form, done=done, error=error), status
