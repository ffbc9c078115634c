"""Each request's id: the front door's X-Request-Id when it looks like one (Caddy sends
{http.request.uuid}), else a new one. It is in every log line of the request and in every
message the request sends (shared.logs, shared.messaging), and goes back as X-Request-Id.

The request's environ carries it and the matched route for gunicorn's access log, which is
written after the response (deploy/gunicorn.conf.py)."""

from __future__ import annotations

from flask import Flask, Response, g, request

from shared import logs

HEADER = "X-Request-Id"


def _take() -> None:
    g.request_id = rid = logs.valid_request_id(request.headers.get(HEADER)) or logs.new_request_id()
    g.request_id_token = logs.request_id.set(rid)


def _answer(response: Response) -> Response:
    # g.request_id is missing when no before_request ran (the front door's own not-found page)
    rid = g.get("request_id") or logs.new_request_id()
    response.headers[HEADER] = rid
    request.environ[logs.ENVIRON_REQUEST_ID] = rid
    if request.url_rule is not None:
        request.environ[logs.ENVIRON_ROUTE] = request.url_rule.rule
    return response


def _forget(_exc: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:  # the thread serves other requests next
        logs.request_id.reset(token)


def init_app(app: Flask) -> None:
    """Register before any other before_request hook, so that their lines carry the id too."""
    app.before_request(_take)
    app.after_request(_answer)
    app.teardown_request(_forget)
