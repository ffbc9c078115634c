"""Conditional GET for the public pages: the ETag is known before anything is rendered, so an
unchanged page costs one small query. It changes with any calendar's revision (they only grow),
the address, the reader's language, who is logged in (the header shows the account) and the
day (a list "from today" moves with it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from flask import Response, request
from flask_babel import get_locale

from shared.auth import current_account


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
        rendered = render()
        body, status = rendered if isinstance(rendered, tuple) else (rendered, 200)
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["ETag"] = tag
    # each reader may see another header (language, account): a shared cache must ask again
    response.headers["Cache-Control"] = "private, no-cache"
    return response
