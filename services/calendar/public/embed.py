"""The calendar on partners' websites: the next dates of a choice of the public calendar's
filters, as a small page any site may show in an iframe (/calendar/embed), as JSON for the web
component static/treffpunkt-kalender.js (/calendar/embed.json, readable from any origin), and a
page that explains both to partner staff with code to copy (/calendar/embed/help).

The JSON is the same bytes for everyone who asks for the same address (its words follow `lang`,
not the asker's browser), so browsers and proxies may keep it for JSON_MAX_AGE."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import force_locale, gettext as _
from markupsafe import escape

from shared.clock import utcnow
from shared.identity.models import DISTRICTS, LANGUAGES
from shared.web.headers import allow_framing
from shared.web.request_db import db

from services.calendar.domain import spans
from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.public_filter import FILTER_KEYS, InvalidFilter
from services.calendar.public import conditional, selection
from services.calendar.public.links import Choice, public_url
from services.calendar.public.selection import Selection
from services.calendar.public.words import audience_choices, filter_message, label, shown, term_choices, vocabulary
from services.calendar.store.sql_public import PublicListing, PublicQueries

bp = Blueprint("embed", __name__, url_prefix="/calendar", template_folder="../templates")
DEFAULT_LIMIT, MAX_LIMIT = 5, 20
JSON_MAX_AGE = 300
SCRIPT = "treffpunkt-kalender.js"


class BadRequest(ValueError):
    """A refused address, with the sentence for the reader."""


@bp.get("/embed")
def frame():
    try:
        chosen, limit = _read()
    except BadRequest as exc:
        page = _frame_page(None, [], str(exc))
        return allow_framing(Response(page, 400, content_type="text/html; charset=utf-8"))
    tag = conditional.page_tag(_today())
    return allow_framing(conditional.answer(tag, lambda: _frame_page(chosen, _next_dates(chosen, limit))))


@bp.get("/embed.json")
def data():
    try:
        with force_locale(_language()):
            chosen, limit = _read()
            return _json([_item(chosen, listing) for listing in _next_dates(chosen, limit)], 200)
    except BadRequest as exc:
        return _json({"error": str(exc)}, 400)


@bp.get("/embed/help")
def help_page():
    try:
        chosen, limit = _read()
    except BadRequest as exc:
        return _help_page(None, DEFAULT_LIMIT, str(exc)), 400
    return _help_page(chosen, limit)


def _read() -> tuple[Selection, int]:
    try:
        chosen = selection.read(request.args.to_dict(flat=False))
    except InvalidFilter as exc:
        raise BadRequest(filter_message(exc)) from None
    text = request.args.get("limit", "").strip()
    if not text:
        return chosen, DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= MAX_LIMIT:
        raise BadRequest(_("Bitte für limit eine Zahl von 1 bis %(most)s angeben.", most=MAX_LIMIT))
    return chosen, int(text)


def _language() -> str:
    """The JSON's language: `lang`, else German; never the asker's browser (see above)."""
    language = request.args.get("lang", "de")
    if language not in LANGUAGES:
        value, allowed = repr(language[:20]), ", ".join(LANGUAGES)
        raise BadRequest(_("Unbekannte Sprache %(value)s. Möglich sind: %(allowed)s.", value=value, allowed=allowed))
    return language


def _next_dates(chosen: Selection, limit: int) -> list[PublicListing]:
    start, end = spans.upcoming_span(_today()).bounds(utcnow())
    return PublicQueries(db()).listings(chosen.chosen, start, end, limit)


def _heading(chosen: Selection | None) -> str:
    names = chosen.names() if chosen else []
    return _("Nächste Termine: %(names)s", names=", ".join(names)) if names else _("Nächste Termine")


def _frame_page(chosen: Selection | None, listings: list[PublicListing], error: str = "") -> str:
    return render_template(
        "calendar/public/embed.html",
        heading=_heading(chosen),
        listings=listings,
        where=chosen.where if chosen else None,
        everything=url_for("public.upcoming") + (chosen.choice.query() if chosen else ""),
        error=error,
    )


def _item(chosen: Selection, listing: PublicListing) -> dict:
    entry, when = listing.entry, listing.date
    place = chosen.where(entry)
    facts = [label("free", "1")] if entry.free else []
    return {
        "title": entry.title,
        "start": _moment(when.start, when.all_day),
        "end": _moment(when.end, when.all_day),
        "all_day": when.all_day,
        "cancelled": when.cancelled,
        "place": ", ".join(filter(None, (place.name, place.street))),
        "district": place.district,
        "url": public_url(url_for("public.offering", offering_id=entry.id)),
        "facts": facts + [label("access", a) for a in shown("access", entry.accessibility)],
    }


def _moment(moment: datetime, all_day: bool) -> str:
    """Local time with its offset (2026-12-07T10:00+01:00); a whole day as its date."""
    local = moment.astimezone(LOCAL)
    return local.date().isoformat() if all_day else local.isoformat(timespec="minutes")


def _json(body, status: int) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    tag = '"' + hashlib.sha256(text).hexdigest()[:32] + '"'
    headers = {
        "Access-Control-Allow-Origin": "*",
        "ETag": tag,
        "Cache-Control": f"public, max-age={JSON_MAX_AGE}" if status == 200 else "no-store",
    }
    if status == 200 and conditional.matches(tag):
        return Response(status=304, headers=headers)
    return Response(text, status=status, content_type="application/json", headers=headers)


def _help_page(chosen: Selection | None, limit: int, error: str = "") -> str:
    choice = chosen.choice if chosen else Choice({})
    return render_template(
        "calendar/public/embed_help.html",
        partners=selection.every_partner(),
        districts=DISTRICTS,
        audiences=audience_choices(vocabulary(), choice.args.get("audience", [])),
        categories=term_choices(vocabulary(), "category", choice.args.get("category", [])),
        accessibility=term_choices(vocabulary(), "accessibility", choice.args.get("access", [])),
        choice=choice,
        limit=limit,
        snippets=None if error else snippets(choice, limit, _heading(chosen)),
        preview=url_for("embed.frame") + _query(choice, limit),
        error=error,
    )


def snippets(choice: Choice, limit: int, title: str) -> dict[str, str]:
    """The HTML a partner copies into its website: the iframe, and the web component with the
    iframe as its fallback without JavaScript."""
    frame_url = public_url(url_for("embed.frame") + _query(choice, limit))
    height = 110 + 95 * limit  # px: a heading, `limit` dates of three short lines, the link
    iframe = (
        f'<iframe src="{escape(frame_url)}" title="{escape(title)}" width="100%" height="{height}"'
        ' style="border: 0; max-width: 100%;" loading="lazy"></iframe>'
    )
    attributes = "".join(
        f' {key}="{escape(",".join(values) if key != "q" else " ".join(values))}"'
        for key in FILTER_KEYS
        if (values := choice.args.get(key))
    )
    script = public_url(url_for("public.static", filename=SCRIPT))
    component = (
        f'<script src="{escape(script)}" defer></script>\n'
        f'<treffpunkt-kalender{attributes} limit="{limit}"></treffpunkt-kalender>\n'
        f"<noscript>{iframe}</noscript>"
    )
    return {"iframe": iframe, "component": component}


def _query(choice: Choice, limit: int) -> str:
    query = choice.query()
    return f"{query}{'&' if query else '?'}limit={limit}"


def _today():
    return spans.local_today(utcnow())
