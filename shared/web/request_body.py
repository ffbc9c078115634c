"""A body the app refused unread is still read to its end (within a ceiling) before the answer.

Werkzeug refuses a body over MAX_CONTENT_LENGTH by its Content-Length, without reading it.
gunicorn then reads at most 64 KB of what is left and closes the connection while the proxy is
still sending; Caddy reports that as 502 instead of passing on the 413 (tests/test_production.py
saw it for a tenth of 3 MB uploads). Reading the rest lets the answer go out as written."""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.wsgi import LimitedStream

# Caddy refuses bodies of 4 MB and more itself; past this a connection may as well close
DRAIN_CEILING = 8 * 1024 * 1024
CHUNK = 64 * 1024


def read_refused_body(response: Response) -> Response:
    # over the request's limit werkzeug never read a byte (its stream refuses to): all of it is left
    length, limit = request.content_length or 0, request.max_content_length
    if response.status_code == 413 and limit is not None and limit < length <= DRAIN_CEILING:
        body = LimitedStream(request.environ["wsgi.input"], length)  # never past the announced end
        while body.read(CHUNK):
            pass
    return response


def init_app(app: Flask) -> None:
    app.after_request(read_refused_body)
