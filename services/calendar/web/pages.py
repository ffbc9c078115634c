"""The subscription page: every public calendar, the room calendars and a builder for filtered
feed addresses (the feeds themselves: web/feeds.py; what is on: services/calendar/public/)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request

from shared.auth import current_account, identity
from shared.identity.models import DISTRICTS
from shared.web.request_db import db

from services.calendar.domain import access
from services.calendar.domain.public_filter import FILTER_KEYS, InvalidFilter, parse_filter
from services.calendar.public.links import public_url, subscription
from services.calendar.public.words import filter_message, term_choices, vocabulary
from services.calendar.store.sql import SqlStore

bp = Blueprint("calendar", __name__, url_prefix="/calendar", template_folder="../templates")


@bp.get("/subscribe")
def subscribe():
    partners = identity().partners()
    by_id = {p["id"]: p for p in partners}
    calendars = SqlStore(db()).calendars()
    partner_calendars = [
        (c, by_id.get(c.owner_partner_id)) for c in calendars if c.kind == "partner" and access.is_listed_publicly(c)
    ]
    rooms = [(c, subscription(f"/feeds/rooms/{c.room_id}.ics")) for c in calendars if c.kind == "room"]
    choice = {key: [v for v in request.args.getlist(key) if v] for key in FILTER_KEYS}
    choice = {k: v for k, v in choice.items() if v}
    built, error = None, None
    if choice:
        try:
            parse_filter(choice, partners, DISTRICTS, vocabulary())
            built = subscription("/feeds/network.ics?" + urlencode(choice, doseq=True))
        except InvalidFilter as exc:
            error = filter_message(exc)
    return render_template(
        "calendar/subscribe.html",
        partners=[p for p in partners if p["active"]],  # a deactivated partner is offered in no new choice
        partner_calendars=partner_calendars,
        rooms=rooms,
        network=subscription("/feeds/network.ics"),
        partner_links={p["slug"]: subscription(f"/feeds/network.ics?partner={p['slug']}") for p in partners},
        districts=DISTRICTS,
        categories=term_choices(vocabulary(), "category", choice.get("category", [])),
        audiences=term_choices(vocabulary(), "audience", choice.get("audience", [])),
        choice=choice,
        built=built,
        error=error,
        dav_url=public_url("/dav/"),
        me=current_account(),
    ), (400 if error else 200)
