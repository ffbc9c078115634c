"""Conditional GET for the public pages: the ETag is known before anything is rendered, and
for a visitor without a login it costs no query (snapshot.py). It changes with any calendar's
revision (they only grow), the partners' names and contacts, the vocabulary's terms, the address, the reader's
language, who is logged in (the header shows the account) and the day (a list "from today"
moves with it). A page that is the same for every visitor without a login is kept by
page_cache.py and answered there, before Flask."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from flask import Response, request, session
from flask_babel import get_locale

from shared.auth import current_account

from services.calendar.public import page_cache, snapshot


def page_tag(today: date) -> str:
    account = current_account()
    locale = get_locale()
    now = snapshot.current()
    parts = (
        now.state,
        now.partners,
        now.vocabulary,
        request.full_path,
        locale.language if locale else "de",
        account.account_id if account else 0,
        today,
    )
    return 'W/"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def matches(tag: str) -> bool:
    """Whether the request's If-None-Match names `tag` (the browser's copy is current)."""
    return tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}


def answer(tag: str, render: Callable[[], tuple[str, int] | str]) -> Response:
    """304 when the browser holds `tag`, else the rendered page with it."""
    if matches(tag):
        response = Response(status=304)
    else:
        rendered = render()
        body, status = rendered if isinstance(rendered, tuple) else (rendered, 200)
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
        if status == 200 and current_account() is None and not session.get("_flashes"):
            # the same for every visitor without a login: page_cache.py may keep it. A logged-in
            # page carries its session's CSRF token, and one with a message is one person's.
            request.environ[page_cache.MARK] = snapshot.current()
    response.headers["ETag"] = tag
    # each reader may see another header (language, account): a shared cache must ask again
    response.headers["Cache-Control"] = "private, no-cache"
    return response
