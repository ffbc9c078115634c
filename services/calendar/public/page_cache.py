"""Public pages for visitors without a login, answered before Flask: under load most requests
for the calendar's pages cost a dictionary lookup, not a pass through Flask, a query and a
template (bench/public_calendar.py).

A request qualifies when it is a GET without credentials: no cookie but the language one, no
Authorization header. Its key is everything such a visitor's page depends on besides the data:
path and query, the language cookie and Accept-Language as sent, the host and the scheme the
proxy saw. A page is kept when conditional.py marked it as the same for every such visitor
(MARK: a 200 that sets no cookie), with its headers. It is valid while the process's snapshot
(snapshot.py) is still the one it was made under and fresh, and on the same day; otherwise the
request goes on to Flask, which reads the snapshot anew and renders (or finds the page)
again. If-None-Match with the kept ETag gets its 304 here too."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask
from werkzeug.http import parse_cookie

from shared.clock import utcnow
from shared.metrics.http import FROM_PAGE_CACHE, ROUTE, UNMATCHED
from shared.web.language import LANGUAGE_COOKIE

from services.calendar.bounded_cache import BoundedCache
from services.calendar.domain.spans import local_today
from services.calendar.public import snapshot

MARK = "treffpunkt.shared_page"  # environ key: the Snapshot a shareable page was made under
MAX_PAGES = 256  # per process
MAX_PAGE_BYTES = 512 * 1024  # a longer page is answered, not kept
NOT_IN_304 = ("content-type", "content-length")

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Kept:
    made_under: snapshot.Snapshot
    day: date
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    route: str  # the URL rule Flask answered it under (shared/metrics/http.py counts by it)

    @property
    def etag(self) -> str:
        return next((value for name, value in self.headers if name.lower() == "etag"), "")


class PageCache:
    """WSGI middleware around the calendar app (see the module's doc)."""

    def __init__(self, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]], app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self.pages: BoundedCache[tuple, Kept] = BoundedCache(MAX_PAGES)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        key = visitor_key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        today = local_today(utcnow())
        kept = self.pages.get(key)
        if kept is not None and kept.day == today and kept.made_under is snapshot.held_fresh(self.app):
            return _answer(kept, environ, start_response)
        seen: dict[str, Any] = {}

        def note(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, note)
        made_under = environ.get(MARK)
        if made_under is None or not seen.get("status", "").startswith("200 ") or _sets_cookie(seen["headers"]):
            return body
        try:
            whole = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        if len(whole) <= MAX_PAGE_BYTES:
            route = environ.get(ROUTE, UNMATCHED)
            self.pages.put(key, Kept(made_under, today, seen["status"], list(seen["headers"]), whole, route))
        return [whole]


def visitor_key(environ: dict) -> tuple | None:
    """The key of a request without credentials, or None for any other request."""
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
        return None
    language = ""
    if cookie_header := environ.get("HTTP_COOKIE"):
        cookies = parse_cookie(cookie_header)
        if any(name != LANGUAGE_COOKIE for name in cookies):
            return None  # a session (perhaps a login, a message to show): Flask decides
        language = cookies.get(LANGUAGE_COOKIE, "")
    return (
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        language,
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        environ.get("HTTP_HOST", ""),
        environ.get("HTTP_X_FORWARDED_PROTO", ""),
        environ.get("wsgi.url_scheme", ""),
    )


def _answer(kept: Kept, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
    environ.update({ROUTE: kept.route, FROM_PAGE_CACHE: True})
    wanted = {tag.strip() for tag in environ.get("HTTP_IF_NONE_MATCH", "").split(",")}
    if kept.etag and kept.etag in wanted:
        start_response("304 NOT MODIFIED", [(n, v) for n, v in kept.headers if n.lower() not in NOT_IN_304])
        return [b""]
    start_response(kept.status, kept.headers)
    return [kept.body]


def _sets_cookie(headers: list[tuple[str, str]]) -> bool:
    return any(name.lower() == "set-cookie" for name, _value in headers)


def init_app(app: Flask) -> None:
    # Flask's documented way to add WSGI middleware, though Flask's annotations make wsgi_app a method
    app.wsgi_app = PageCache(app.wsgi_app, app)  # type: ignore[method-assign]
