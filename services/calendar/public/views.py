"""The public calendar (no login): what is on today, in a week, a month and from now on, each
a list of dates under the visitor's filters; and an offering's own page with its dates, its
place, who runs it, an .ics to add and schema.org data for search engines."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from shared.clock import utcnow
from shared.identity.models import DISTRICTS
from shared.web.request_db import db

from services.calendar.domain import spans
from services.calendar.domain.date_ics import date_calendar
from services.calendar.domain.disclosure import public_view
from services.calendar.domain.ics_feed import assemble
from services.calendar.domain.place import map_link, parse_location
from services.calendar.domain.public_filter import InvalidFilter, PublicFilter, filter_args, parse_filter
from services.calendar.domain.vocabulary import TIMES_OF_DAY
from services.calendar.public import conditional, formats, jsonld, snapshot
from services.calendar.public.links import Choice, public_url, subscription
from services.calendar.public.words import (
    FILTER_TITLES,
    audience_choices,
    filter_message,
    label,
    shown,
    term_choices,
    vocabulary,
)
from services.calendar.store import sql_images
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_offering_rooms import OfferingRooms
from services.calendar.store.sql_public import PublicListing, PublicQueries

bp = Blueprint(
    "public",
    __name__,
    url_prefix="/calendar",
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static/calendar",
)
PAGE_SIZE = 100  # dates per page
MAX_PAGES = 30
NEXT_DATES = 12  # on an offering's page
DATE_KEY = re.compile(r"\d{8}(T\d{6}Z)?\Z")
DIGEST = re.compile(r"[0-9a-f]{64}\Z")


@bp.app_template_global()
def calendar_formats():
    return formats


bp.add_app_template_global(label, "vocabulary_label")
bp.add_app_template_global(shown, "vocabulary_terms")


@bp.app_template_global()
def place_name(location: str) -> str:
    """The place of a LOCATION without its address (a list shows the district beside it)."""
    place = parse_location(location)
    return place.name or place.address


@bp.get("/")
def upcoming():
    return _span_page(spans.upcoming_span(_today()))


@bp.get("/today")
def today():
    return _span_page(spans.day_span(_today()))


@bp.get("/day/<key>")
def day(key: str):
    return _span_page(_parsed(spans.parse_day, key))


@bp.get("/week")
@bp.get("/week/<key>")
def week(key: str | None = None):
    return _span_page(spans.week_of(_today()) if key is None else _parsed(spans.parse_week, key))


@bp.get("/month")
@bp.get("/month/<key>")
def month(key: str | None = None):
    return _span_page(spans.month_of(_today()) if key is None else _parsed(spans.parse_month, key))


@bp.get("/offering/<int:offering_id>")
def offering(offering_id: int):
    queries = PublicQueries(db())
    tag = conditional.page_tag(_today())

    def render():
        entry = queries.entry(offering_id)
        if entry is None:
            abort(404)
        partner = _partners().get(entry.partner_id)
        dates = queries.dates(offering_id, utcnow(), NEXT_DATES)
        place = parse_location(entry.location)
        district = entry.district or (partner["district"] if partner else "")
        page_url = public_url(url_for("public.offering", offering_id=offering_id))
        room = _booked_room(entry.uid)
        similar = Choice(
            {"category": shown("category", entry.categories)[:1], "district": [district] if district else []}
        )
        return render_template(
            "calendar/public/offering.html",
            entry=entry,
            partner=partner,
            dates=dates,
            place=place,
            district=district,
            map_url=map_link(place, entry.geo),
            structured=jsonld.script(jsonld.offering_graph(entry, dates, place, partner, page_url)),
            similar=similar,
            room=room,
            picture=entry.image if entry.image.startswith(public_url("/calendar/images/")) else "",
            similar_feed=subscription("/feeds/network.ics" + similar.query()),
        )

    return conditional.answer(tag, render)


def _booked_room(uid: str) -> str:
    """The name of the exchange's room booked for the offering ("" unless confirmed)."""
    state = OfferingRooms(db()).state(uid)
    if state is None or state.booking_status != "confirmed" or state.room_id is None:
        return ""
    calendar = SqlStore(db()).room_calendar(state.room_id)
    return calendar.displayname if calendar else ""


def _span_page(span: spans.Span):
    args = filter_args(request.args.to_dict(flat=False))
    choice = Choice(args)
    page = request.args.get("seite", "1")
    number = int(page) if page.isascii() and page.isdigit() and 0 < int(page) <= MAX_PAGES else None
    if number is None:
        return _refused(span, _("Diese Seite gibt es nicht. Bitte mit Seite 1 beginnen."), 404)
    try:
        chosen = parse_filter(args, _partner_list(), DISTRICTS, vocabulary())
    except InvalidFilter as exc:
        return _refused(span, filter_message(exc), 400)
    tag = conditional.page_tag(_today())
    return conditional.answer(tag, lambda: _render_span(span, choice, chosen, number))


def _render_span(span: spans.Span, choice: Choice, chosen: PublicFilter, number: int) -> str:
    queries = PublicQueries(db())
    start, end = span.bounds(utcnow())
    found = queries.listings(chosen, start, end, PAGE_SIZE + 1, (number - 1) * PAGE_SIZE)
    listings = found[:PAGE_SIZE]
    return _whats_on(
        span,
        choice,
        days=_by_day(listings, span),
        partners=_partners(),
        page=number,
        more=len(found) > PAGE_SIZE and number < MAX_PAGES,
        previous=_neighbour(span, -1),
        following=_neighbour(span, +1),
        grid=_month_grid(span, queries.starts(chosen, start, end)) if span.kind == "month" else None,
    )


def _refused(span: spans.Span, message: str, status: int):
    """The span's page without dates or filters, saying what was wrong with the address."""
    values = dict(days=[], partners={}, page=1, more=False, previous=None, following=None, grid=None)
    return _whats_on(span, Choice({}), error=message, **values), status


def _whats_on(span: spans.Span, choice: Choice, **values) -> str:
    return render_template(
        "calendar/public/whats_on.html",
        span=span,
        heading=_heading(span),
        choice=choice,
        groups=_filter_groups(choice),
        path=request.path,
        feed=subscription("/feeds/network.ics" + choice.query()),
        filter_titles=FILTER_TITLES,
        **values,
    )


def _parsed(parse, key: str) -> spans.Span:
    try:
        return parse(key, _today())
    except spans.OutOfReach:
        abort(404)


def _today() -> date:
    return spans.local_today(utcnow())


def _heading(span: spans.Span) -> str:
    if span.kind == "upcoming":
        return _("Demnächst")
    if span.kind == "day":
        prefix = _("Heute") + ", " if span.first == _today() else ""
        return prefix + formats.day_heading(span.first)
    if span.kind == "week":
        last = span.days[-1]
        return _("Woche vom %(first)s bis %(last)s", first=formats.day_short(span.first), last=formats.day_short(last))
    return formats.month_title(span.first)


def _neighbour(span: spans.Span, direction: int) -> str | None:
    other = span.step(direction, _today())
    if other is None:
        return None
    return url_for(f"public.{other.kind}", key=other.key)


def _by_day(listings: list[PublicListing], span: spans.Span) -> list[tuple[date, list[PublicListing]]]:
    """Listings under their local day; one that began before the span shows on its first day."""
    days: dict[date, list[PublicListing]] = {}
    for listing in listings:
        day = max(formats.local(listing.date.start).date(), span.first)
        days.setdefault(day, []).append(listing)
    return list(days.items())


def _month_grid(span: spans.Span, starts: list[datetime]) -> list[list[tuple[date, int] | None]]:
    """Weeks of (day, number of dates) for the month, None outside it."""
    counts = Counter(formats.local(s).date() for s in starts)
    cells: list[tuple[date, int] | None] = [None] * span.first.weekday()
    cells += [(d, counts.get(d, 0)) for d in span.days]
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def _filter_groups(choice: Choice) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(key, [(value, link, chosen)]) for every filter shown as links."""
    words = vocabulary()
    values = {
        "district": DISTRICTS,
        "audience": audience_choices(words, choice.args.get("audience", [])),
        "category": term_choices(words, "category", choice.args.get("category", [])),
        "time": tuple(TIMES_OF_DAY),
        "access": term_choices(words, "accessibility", choice.args.get("access", [])),
        "free": ("1",),
    }
    return [
        (key, [(value, choice.toggle(key, value), choice.has(key, value)) for value in options])
        for key, options in values.items()
    ]


def _partner_list() -> list:
    return list(snapshot.current().partners)


def _partners() -> dict:
    return {p["id"]: p for p in _partner_list()}


@bp.get("/images/<digest>.jpg")
def picture(digest: str):
    """An offering's picture; its address is its content's hash, so it may be kept for a year."""
    found = sql_images.image(db(), digest) if DIGEST.match(digest) else None
    if found is None:
        abort(404)
    data, content_type = found
    tag = f'"{digest[:32]}"'
    headers = {"ETag": tag, "Cache-Control": "public, max-age=31536000, immutable"}
    if conditional.matches(tag):
        return Response(status=304, headers=headers)
    return Response(data, content_type=content_type, headers=headers)


@bp.get("/offering/<int:offering_id>.ics")
def offering_series(offering_id: int):
    """The whole offering (its public view) to add to one's calendar."""
    queries = PublicQueries(db())
    entry, data = queries.entry(offering_id), queries.data(offering_id)
    view = public_view(data) if data else None
    if entry is None or view is None:
        abort(404)
    page = public_url(url_for("public.offering", offering_id=offering_id))
    return _calendar_file(assemble([view], entry.title, url=page), f"angebot-{offering_id}.ics")


@bp.get("/offering/<int:offering_id>/<key>.ics")
def offering_date(offering_id: int, key: str):
    """One date of the offering as its own entry."""
    queries = PublicQueries(db())
    entry, data = queries.entry(offering_id), queries.data(offering_id)
    found = next((d for d in queries.dates(offering_id, utcnow() - spans.REACH_BACK, 2000) if d.key == key), None)
    view = public_view(data) if data else None
    if entry is None or view is None or found is None or not DATE_KEY.match(key):
        abort(404)
    page = public_url(url_for("public.offering", offering_id=offering_id))
    body = date_calendar(view, key, found.start, found.end, found.all_day, page, entry.title)
    return _calendar_file(body, f"angebot-{offering_id}-{key}.ics")


def _calendar_file(body: bytes, filename: str) -> Response:
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
