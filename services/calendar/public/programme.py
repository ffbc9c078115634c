"""The printable weekly programme ("Wochenprogramm") of a district, a partner or any other
choice of the public calendar's filters: one week as an A4 page a café pins to its notice
board, the same page as PDF (WeasyPrint), and a page to choose district or partner and week.

The filter and the week are refused as on the list pages (an unknown value: 400 with the reason,
a week out of reach: 404). One programme holds at most MAX_DATES dates; the PDF of an unchanged
programme is answered from the browser's copy (ETag) or from a small process cache."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_date, get_locale, gettext as _

from shared.clock import utcnow
from shared.identity.models import DISTRICTS
from shared.pdf import render_pdf
from shared.web.request_db import db

from services.calendar.bounded_cache import BoundedCache
from services.calendar.domain import spans
from services.calendar.domain.public_filter import InvalidFilter
from services.calendar.public import conditional, formats, selection
from services.calendar.public.links import Choice, public_url
from services.calendar.public.selection import Selection
from services.calendar.public.words import audience_choices, filter_message, vocabulary
from services.calendar.store.sql_public import PublicListing, PublicQueries

bp = Blueprint("programme", __name__, url_prefix="/calendar", template_folder="../templates")
MAX_DATES = 300  # about twelve A4 pages in large type: more is no notice board's programme
WEEKS_TO_CHOOSE = 8  # this week and the next seven
PDF_CACHE_SIZE = 16
STYLESHEETS = (("web", "site.css"), ("public", "programme.css"))


@bp.get("/programme")
def programme():
    return _programme(as_pdf=False)


@bp.get("/programme.pdf")
def programme_pdf():
    return _programme(as_pdf=True)


@bp.get("/programme/choose")
def choose():
    try:
        chosen = selection.read(request.args.to_dict(flat=False))
    except InvalidFilter as exc:
        return _choose_page(None, filter_message(exc)), 400
    return _choose_page(chosen)


def _programme(as_pdf: bool):
    try:
        chosen = selection.read(request.args.to_dict(flat=False))
    except InvalidFilter as exc:
        return _choose_page(None, filter_message(exc)), 400
    week = _week(request.args.get("week", "").strip())
    tag = conditional.page_tag(_today())
    if not as_pdf:
        return conditional.answer(tag, lambda: _render(chosen, week))
    return _pdf_answer(tag, lambda: _render(chosen, week), _filename(chosen, week))


def _week(key: str) -> spans.Span:
    if not key:
        return spans.week_of(_today())
    try:
        return spans.parse_week(key, _today())
    except spans.OutOfReach:
        abort(404)


def _render(chosen: Selection, week: spans.Span) -> str:
    start, end = week.bounds()  # the whole week, also on its Wednesday: it hangs there all week
    found = PublicQueries(db()).listings(chosen.chosen, start, end, MAX_DATES + 1)
    return render_template(
        "calendar/public/programme.html",
        title=programme_title(chosen, week),
        details=chosen.details(),
        days=_by_day(found[:MAX_DATES], week),
        cut=len(found) > MAX_DATES,
        where=chosen.where,
        pdf=_address(chosen.choice, week.key, "programme.programme_pdf"),
        previous=_neighbour(chosen.choice, week, -1),
        following=_neighbour(chosen.choice, week, +1),
        choose=_address(chosen.choice, week.key, "programme.choose"),
        more=public_url(url_for("public.upcoming") + chosen.choice.query()),
        more_text=public_url(url_for("public.upcoming")).split("://", 1)[-1],
        printed=formats.day_short(_today()),
    )


def programme_title(chosen: Selection, week: spans.Span) -> str:
    """ "Wochenprogramm Lobeda, 7. bis 13. Dezember 2026"."""
    days = week_days(week.first, week.days[-1])
    names = chosen.names()
    if not names:
        return _("Wochenprogramm, %(days)s", days=days)
    return _("Wochenprogramm %(names)s, %(days)s", names=", ".join(names), days=days)


def week_days(first: date, last: date) -> str:
    """ "7. bis 13. Dezember 2026", "30. November bis 6. Dezember 2026", across a new year both
    years; English "7 to 13 December 2026"."""
    german = _language() == "de"
    if first.year != last.year:
        start = "d. MMMM yyyy" if german else "d MMMM yyyy"
    elif first.month != last.month:
        start = "d. MMMM" if german else "d MMMM"
    else:
        start = "d." if german else "d"
    end = "d. MMMM yyyy" if german else "d MMMM yyyy"
    return _("%(first)s bis %(last)s", first=format_date(first, start), last=format_date(last, end))


def _by_day(listings: list[PublicListing], week: spans.Span) -> list[tuple[date, list[PublicListing]]]:
    """Listings under their local day; one that began before Monday shows on Monday."""
    days: dict[date, list[PublicListing]] = {}
    for listing in listings:
        days.setdefault(max(formats.local(listing.date.start).date(), week.first), []).append(listing)
    return list(days.items())


def _address(choice: Choice, week_key: str, endpoint: str = "programme.programme") -> str:
    query = choice.query()
    return f"{url_for(endpoint)}{query}{'&' if query else '?'}week={week_key}"


def _neighbour(choice: Choice, week: spans.Span, direction: int) -> str | None:
    other = week.step(direction, _today())
    return _address(choice, other.key) if other else None


def _filename(chosen: Selection, week: spans.Span) -> str:
    """wochenprogramm-lobeda-2026-W50.pdf: whose it is in plain ASCII (a header value)."""
    names = [*chosen.choice.args.get("partner", []), *[d for d in DISTRICTS if d in chosen.chosen.districts]]
    text = "-".join(names).casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60].strip("-") or "jena"
    return f"wochenprogramm-{slug}-{week.key}.pdf"


def _pdf_answer(tag: str, render, filename: str) -> Response:
    headers = {
        "ETag": tag,
        "Cache-Control": "private, no-cache",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if conditional.matches(tag):
        return Response(status=304, headers=headers)
    cache = current_app.extensions.setdefault("calendar_programme_pdfs", BoundedCache(PDF_CACHE_SIZE))
    body = cache.get(tag)
    if body is None:
        base = current_app.config["SETTINGS"].public_url.rstrip("/")
        body = cache.put(tag, render_pdf(render(), base + "/", _stylesheets(base)))
    return Response(body, content_type="application/pdf", headers=headers)


def _stylesheets(base: str) -> dict[str, Path]:
    """The page's stylesheets by the absolute address the HTML names them with."""
    files = {}
    for blueprint, name in STYLESHEETS:
        folder = current_app.blueprints[blueprint].static_folder
        assert folder is not None  # both blueprints serve static files
        files[base + url_for(f"{blueprint}.static", filename=name)] = Path(folder) / name
    return files


def _choose_page(chosen: Selection | None, error: str | None = None) -> str:
    today = _today()
    weeks = [spans.week_of(today)]
    while len(weeks) < WEEKS_TO_CHOOSE and (following := weeks[-1].step(+1, today)):
        weeks.append(following)
    choice = chosen.choice if chosen else Choice({})
    return render_template(
        "calendar/public/programme_choose.html",
        weeks=[(w.key, week_days(w.first, w.days[-1])) for w in weeks],
        wanted_week=request.args.get("week", ""),
        partners=selection.every_partner(),
        districts=DISTRICTS,
        audiences=audience_choices(vocabulary(), choice.args.get("audience", [])),
        choice=choice,
        district_links=[(d, _address(Choice({"district": [d]}), weeks[0].key)) for d in DISTRICTS],
        error=error,
    )


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "de"


def _today() -> date:
    return spans.local_today(utcnow())
