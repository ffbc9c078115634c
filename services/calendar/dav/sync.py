"""RFC 6578 collection synchronisation: the DAV:sync-token property and the sync-collection
REPORT (sync-level 1; DAV:limit answered with 507 for the rest, never cut silently).

A token names the calendar, the moment it was created (so that a calendar recreated under a
reused id does not accept the old one's tokens) and its revision. Revisions and tombstones
are kept for the collection's lifetime, so a token stays valid as long as the calendar exists."""

from __future__ import annotations

import re
from urllib.parse import quote

from shared.db import as_utc

from services.calendar.dav.properties import registry
from services.calendar.dav.resources import Context, Resource, calendar_of, object_resource
from services.calendar.dav.webdav import (
    CALDAV,
    DAV,
    DavError,
    clark,
    escape,
    prop_text,
    propstat_response,
    status_response,
)
from services.calendar.store.records import CalendarInfo

TOKEN_PREFIX = "http://treffpunkt-jena.de/ns/sync/"
_TOKEN = re.compile(re.escape(TOKEN_PREFIX) + r"(\d+)-([0-9a-z]+)-(\d+)\Z")
MAX_LIMIT = 100_000


def _epoch(calendar: CalendarInfo) -> str:
    created = calendar.created_at
    if created is None:
        return "0"
    return format(int(as_utc(created).timestamp() * 1_000_000), "x")


def token_for(calendar: CalendarInfo, revision: int | None = None) -> str:
    return f"{TOKEN_PREFIX}{calendar.id}-{_epoch(calendar)}-{calendar.revision if revision is None else revision}"


def revision_of(token: str, calendar: CalendarInfo) -> int:
    """The revision a client's token stands for; 403 valid-sync-token if it is not one of ours
    for this calendar (foreign, mangled, from a deleted calendar or from the future)."""
    match = _TOKEN.match(token.strip())
    if (
        match is None
        or int(match[1]) != calendar.id
        or match[2] != _epoch(calendar)
        or int(match[3]) > calendar.revision
    ):
        raise DavError(
            403,
            "Das Synchronisationskennzeichen ist unbekannt oder abgelaufen; bitte den Kalender neu abgleichen.",
            (DAV, "valid-sync-token"),
        )
    return int(match[3])


@registry.register(DAV, "sync-token", in_allprop=False)  # RFC 6578 §4
def sync_token(r: Resource, ctx: Context):
    return token_for(calendar_of(r)) if r.kind == "calendar" else None


def report(ctx: Context, collection: Resource, root, names: list[str]) -> list[str]:
    """The sync-collection REPORT's responses, ending with the new DAV:sync-token element."""
    calendar = calendar_of(collection)
    token_text = (root.findtext(clark(DAV, "sync-token")) or "").strip()
    since = revision_of(token_text, calendar) if token_text else None
    level = (root.findtext(clark(DAV, "sync-level")) or "1").strip()
    if level not in ("1", "infinite"):  # a calendar has no child collections: both mean the same
        raise DavError(400, f"Ungültiges sync-level {level!r} (erlaubt: 1 oder infinite).")
    limit = _limit(root)
    with_data = any(n in names for n in (clark(CALDAV, "calendar-data"), clark(DAV, "getcontentlength")))
    changes, truncated = ctx.store.changes_since(calendar.id, since, calendar.revision, limit, with_data)
    responses = []
    for change in changes:
        if change.obj is None:
            responses.append(status_response(collection.url + quote(change.name), "HTTP/1.1 404 Not Found"))
        else:
            resource = object_resource(ctx, collection, change.obj)
            responses.append(propstat_response(resource.url, registry, resource, ctx, "prop", names))
    if truncated:  # RFC 6578 §3.6: say so, and hand out a token that continues after the last one sent
        responses.append(
            f"<D:response><D:href>{escape(collection.url)}</D:href>"
            "<D:status>HTTP/1.1 507 Insufficient Storage</D:status>"
            "<D:error><D:number-of-matches-within-limits/></D:error></D:response>"
        )
        revision = changes[-1].revision if changes else (since or 0)
    else:
        revision = calendar.revision
    responses.append(prop_text(clark(DAV, "sync-token"), token_for(calendar, revision)))
    return responses


def _limit(root) -> int | None:
    limit = root.find(clark(DAV, "limit"))
    if limit is None:
        return None
    text = (limit.findtext(clark(DAV, "nresults")) or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise DavError(400, f"DAV:limit braucht nresults zwischen 1 und {MAX_LIMIT}.")
    return int(text)
