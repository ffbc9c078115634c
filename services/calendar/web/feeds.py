"""Public iCal feeds (no login): one per room, and the network's offerings with filters.

Rendered feeds are cached in the process, keyed by the filter and by the revisions of all
calendars (which only grow), so a cached feed is never stale. Strong ETags; If-None-Match → 304.
A feed carries each event's public view only (domain/disclosure.py: an allow-list of
properties; private events and dates left out, or in a room's feed shown as busy)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _

from shared.auth import identity
from shared.identity.models import DISTRICTS
from shared.web.request_db import db

from services.calendar.bounded_cache import MISSING, BoundedCache
from services.calendar.domain.disclosure import public_view
from services.calendar.domain.ics_feed import assemble
from services.calendar.domain.names import MAX_ID
from services.calendar.domain.public_filter import InvalidFilter, parse_filter
from services.calendar.domain.vocabulary import BUSY_SUMMARY
from services.calendar.public import conditional
from services.calendar.public.links import Choice, public_url
from services.calendar.public.words import filter_message, vocabulary
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_public import PublicQueries

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
CACHE_SIZE = 128
VIEW_CACHE_SIZE = 50_000  # public views by ETag: a change re-renders one event, not 10,000
NETWORK_NAME = "Treffpunkt Generationen Jena"
# A feed is the same bytes for every subscriber (one cache entry, one ETag), so its own words
# do not follow the asker's language: they are German, like the offerings in it.
NETWORK_DESCRIPTION = "Öffentliche Angebote im Netzwerk Treffpunkt Generationen Jena"


def _app_cache(name: str, size: int) -> BoundedCache:
    """Per app (each test app starts empty); setdefault on a dict is atomic under the GIL."""
    cache = current_app.extensions.get(name)
    return cache if cache is not None else current_app.extensions.setdefault(name, BoundedCache(size))


def _cached(key, render) -> tuple[bytes, str]:
    cache = _app_cache("calendar_feed_cache", CACHE_SIZE)
    entry = cache.get(key)
    if entry is None:
        body = render()
        entry = cache.put(key, (body, '"' + hashlib.sha256(body).hexdigest()[:40] + '"'))
    return entry


def _public(objects, busy_summary: str | None = None) -> list[bytes]:
    """The public views of `objects` (those with anything public), remembered by ETag."""
    views = _app_cache("calendar_public_views", VIEW_CACHE_SIZE)
    out = []
    for obj in objects:
        key = (obj.etag, busy_summary)
        found = views.get(key, MISSING)
        if found is MISSING:  # None is kept too: an event with nothing public
            found = views.put(key, public_view(obj.data, busy_summary))
        if found is not None:
            out.append(found)
    return out


def _send(body: bytes, etag: str, filename: str) -> Response:
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=300",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if conditional.matches(etag):
        return Response(status=304, headers=headers)
    return Response(body, content_type="text/calendar; charset=utf-8", headers=headers)


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@bp.get("/rooms/<int:room_id>.ics")
def room_feed(room_id: int):
    store = SqlStore(db())
    calendar = store.room_calendar(room_id) if room_id <= MAX_ID else None
    if calendar is None:
        return _plain(_("Einen Raum mit der Nummer %(id)s gibt es nicht.", id=room_id), 404)

    def render():
        return assemble(
            _public(store.objects(calendar.id, with_data=True), BUSY_SUMMARY),
            calendar.displayname,
            calendar.description,
        )

    body, etag = _cached(("room", room_id, store.state_key()), render)
    return _send(body, etag, f"raum-{room_id}.ics")


@bp.get("/network.ics")
def network_feed():
    args = {key: [v for v in request.args.getlist(key) if v.strip()] for key in request.args}
    partners = identity().partners()
    try:
        feed_filter = parse_filter(args, partners, DISTRICTS, vocabulary())
    except InvalidFilter as exc:
        return _plain(filter_message(exc), 400)
    store = SqlStore(db())
    key = ("network", tuple(sorted((k, tuple(sorted(v))) for k, v in args.items())), store.state_key())

    def render():
        selected = PublicQueries(db()).feed_objects(feed_filter)
        page = public_url("/calendar/" + Choice(args).query())
        return assemble(_public(selected), _feed_name(args), NETWORK_DESCRIPTION, page)

    body, etag = _cached(key, render)
    return _send(body, etag, "treffpunkt-jena.ics")


def _feed_name(args: dict[str, list[str]]) -> str:
    parts = [
        v for key in ("partner", "district", "category", "audience", "access", "time", "q") for v in args.get(key, [])
    ]
    parts += ["kostenlos"] if args.get("free") else []
    return NETWORK_NAME + (f" ({', '.join(parts)})" if parts else "")
