"""Requests by route, method and status, and how long they took, measured around the whole WSGI
app: answers given before Flask (the calendar's page cache) count too.

The route is the URL rule that matched (`/rooms/<int:room_id>`), never the path: a label value
per path would grow with every id and every scanner's guess. Flask notes it in the WSGI environ
at teardown; middleware that answers by itself notes the route it answers for, and
FROM_PAGE_CACHE. Methods outside METHODS count as "other" for the same reason."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request

from shared.metrics.registry import Metrics

ROUTE = "treffpunkt.route"  # environ: the URL rule that answered
FROM_PAGE_CACHE = "treffpunkt.from_page_cache"  # environ: answered before Flask, from a kept page
UNMATCHED = "(unmatched)"  # no rule matched: 404 or 405
KEY = "http_metrics"  # app.extensions
METHODS = frozenset(
    "GET HEAD POST PUT PATCH DELETE OPTIONS PROPFIND PROPPATCH REPORT MKCALENDAR MKCOL MOVE COPY LOCK UNLOCK".split()
)
# 1 ms (a kept page) … 10 s (a large calendar report on old hardware)
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class HttpMetrics:
    def __init__(self, metrics: Metrics) -> None:
        self.requests = metrics.counter(
            "treffpunkt_http_requests",
            "HTTP requests answered, by route, method and status.",
            ["route", "method", "status"],
        )
        self.seconds = metrics.histogram(
            "treffpunkt_http_request_duration_seconds",
            "Time from a request's arrival to its answer (body included when it is not streamed).",
            ["route", "method"],
            BUCKETS,
        )
        self.from_page_cache = metrics.counter(
            "treffpunkt_http_page_cache_answers",
            "Requests answered from the calendar's page cache, before Flask (also in treffpunkt_http_requests).",
            ["route"],
        )

    def observe(self, wsgi_app: WsgiApp, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["500"]  # what counts when the app raises instead of answering

        def noting(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = line[:3]
            return start_response(line, headers, exc_info)

        try:
            return wsgi_app(environ, noting)
        finally:
            route = environ.get(ROUTE, UNMATCHED)
            method = environ.get("REQUEST_METHOD", "")
            method = method if method in METHODS else "other"
            self.requests.labels(route, method, status[0]).inc()
            self.seconds.labels(route, method).observe(time.perf_counter() - started)
            if environ.get(FROM_PAGE_CACHE):
                self.from_page_cache.labels(route).inc()


class MeteredFlask(Flask):
    """Flask whose every request is measured around `wsgi_app`, whatever middleware a service
    wraps it in after the base app is made (ProxyFix, the page cache)."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        http: HttpMetrics = self.extensions[KEY]
        return http.observe(self.wsgi_app, environ, start_response)


def note_route(_exc: BaseException | None = None) -> None:
    """teardown_request: runs for every request Flask handles, errors included."""
    rule = request.url_rule
    request.environ[ROUTE] = rule.rule if rule is not None else UNMATCHED
