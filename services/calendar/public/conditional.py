"""Conditional GET for the public pages: the ETag is known before anything is rendered, so an
unchanged page costs one small query. It changes with any calendar's revision (they only grow),
the address, the reader's language, who is logged in (the header shows the account) and the
day (a list "from today" moves with it). So the tag also names the page's bytes: a page a
visitor without login was given is kept under it (PAGE_CACHE pages), and the next visitor who
asks for the same gets it without a query or a template."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from flask import Response, current_app, request, session
from flask_babel import get_locale

from shared.auth import current_account

from services.calendar.bounded_cache import BoundedCache

PAGE_CACHE = 256


def page_tag(state: tuple, today: date) -> str:
    account = current_account()
    locale = get_locale()
    parts = (state, request.full_path, locale.language if locale else "de", account.account_id if account else 0, today)
    return 'W/"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def matches(tag: str) -> bool:
    """Whether the request's If-None-Match names `tag` (the browser's copy is current)."""
    return tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}


def answer(tag: str, render: Callable[[], tuple[str, int] | str]) -> Response:
    """304 when the browser holds `tag`, else the rendered page with it."""
    if matches(tag):
        response = Response(status=304)
    else:
        body, status = _rendered(tag, render)
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["ETag"] = tag
    # each reader may see another header (language, account): a shared cache must ask again
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _rendered(tag: str, render: Callable[[], tuple[str, int] | str]) -> tuple[str, int]:
    """The page for `tag`, rendered once for every visitor without a login. A logged-in page
    carries its session's CSRF token, and a page with a message (flash) is one person's: both
    are rendered each time."""
    shared = current_account() is None and not session.get("_flashes")
    cache = current_app.extensions.get("calendar_public_pages")
    if cache is None:
        cache = current_app.extensions.setdefault("calendar_public_pages", BoundedCache(PAGE_CACHE))
    if shared and (found := cache.get(tag)) is not None:
        return found
    rendered = render()
    page = rendered if isinstance(rendered, tuple) else (rendered, 200)
    return cache.put(tag, page) if shared and page[1] == 200 else page
