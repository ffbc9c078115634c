"""A CalDAV source read with the `caldav` library: sync-collection (RFC 6578) from the token the
last pull kept, so only what changed travels; a full listing when there is no token yet, or when
the server no longer knows it (then what is absent was removed). The host is checked like a
feed's (fetch.check_address), redirects are not followed, every request has a timeout; the items are bounded in number
and bytes like a feed."""

from __future__ import annotations

import time
from datetime import datetime

from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error

from services.calendar.domain.feed_import import MAX_EVENTS, FeedProblem, import_items
from services.calendar.domain.pull_problem import N_
from services.calendar.domain.source_draft import SourceDefaults
from services.calendar.store.sql_sources import SourceInfo
from services.calendar.subscriptions import fetch
from services.calendar.subscriptions.remote import PullSettings, Remote

MAX_ITEMS = 2 * MAX_EVENTS  # resources read in one pull (old ones are dropped after reading)
CALDAV_SECONDS = 120.0  # reading them all (the task's soft limit is 240 s)
MULTIGET_BATCH = 100  # resources asked for in one calendar-multiget REPORT


def changes(
    source: SourceInfo, password: str, defaults: SourceDefaults, now: datetime, settings: PullSettings
) -> Remote:
    fetch.check_address(source.url, settings.allow_private)
    with DAVClient(
        url=source.url,
        username=source.username or None,
        password=password or None,
        timeout=int(settings.total_seconds),
        headers={"User-Agent": fetch.USER_AGENT},
    ) as client:
        # the checked host only: a redirect (to an internal address, say) is not followed, and
        # no proxy or .netrc of the worker's environment is used
        client.session.max_redirects = 0
        client.session.trust_env = False
        calendar = client.calendar(url=source.url)
        token = source.sync_token if source.sync_token and not source.sync_token.startswith("fake-") else None
        complete = token is None
        if token is not None:
            try:
                found = calendar.get_objects_by_sync_token(token, load_objects=False, disable_fallback=True)
            except (caldav_error.DAVError, caldav_error.ReportError):
                token, complete = None, True  # forgotten or refused: read everything again
        if token is None:
            found = calendar.get_objects_by_sync_token(None, load_objects=False)
        items = _load(calendar, found, settings)
        feed = import_items(items, defaults, now)
        return Remote(
            feed,
            complete=complete,
            removed_hrefs=frozenset(str(u) for u in found.deleted_urls),
            sync_token=str(found.sync_token or ""),
        )


def _load(calendar, found, settings: PullSettings) -> list[tuple[str, bytes]]:
    """The changed resources' data, counted before any is read and bounded in bytes and time
    while they are: calendar-multiget (RFC 4791 §7.9) for MULTIGET_BATCH at a time, not a GET
    each (the library's way, 300 round trips for 300 events)."""
    deleted = {str(u) for u in found.deleted_urls}
    listed = [obj for obj in found if str(obj.url.canonical()) not in deleted]
    if len(listed) > MAX_ITEMS:
        raise FeedProblem(N_("Der Kalender hat zu viele Einträge (mehr als %(count)s)."), count=MAX_ITEMS)
    deadline = time.monotonic() + CALDAV_SECONDS
    items: list[tuple[str, bytes]] = []
    size = 0
    for begin in range(0, len(listed), MULTIGET_BATCH):
        if time.monotonic() > deadline:
            raise FeedProblem(N_("Der CalDAV-Server antwortet zu langsam (der Abruf dauerte länger als erlaubt)."))
        batch = listed[begin : begin + MULTIGET_BATCH]
        missing = [obj.url for obj in batch if not obj.data]
        # what the server no longer has is left out of its answer: the next pull says so
        loaded = calendar.multiget(missing) if missing else []
        for obj in [*(o for o in batch if o.data), *loaded]:
            raw = obj.data.encode("utf-8") if isinstance(obj.data, str) else bytes(obj.data or b"")
            if not raw:
                continue
            size += len(raw)
            if size > settings.max_bytes:
                raise FeedProblem(
                    N_("Der Kalender ist zu groß (mehr als %(limit)s)."),
                    limit=f"{settings.max_bytes // (1024 * 1024)} MB",
                )
            items.append((str(obj.url.canonical()), raw))
    return items
