"""Errors people meet on pages get shared/templates/error.html, in the reader's language with a
way back, instead of werkzeug's English page. Programs keep their own bodies."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from shared.auth import PROGRAM_PATHS

PAGE_ERRORS = (400, 403, 404, 405, 409, 413)


def error_page(exc: HTTPException) -> ResponseReturnValue:
    """For programs (API, CalDAV, feeds, or a client that does not accept HTML) whatever handled
    the error before: the service's own catch-all handler (the rooms API's JSON), else werkzeug's
    response."""
    accept = request.accept_mimetypes
    if request.path.startswith(PROGRAM_PATHS) or (accept and not accept.accept_html):
        fallback = current_app.error_handler_spec[None][None].get(HTTPException)
        return fallback(exc) if fallback else exc  # type: ignore[return-value]  # a sync handler
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]  # e.g. Allow on 405
    return render_template("error.html", code=exc.code), exc.code or 500, headers


def init_app(app: Flask) -> None:
    for code in PAGE_ERRORS:
        app.register_error_handler(code, error_page)
