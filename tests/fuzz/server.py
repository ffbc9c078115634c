"""The front door as the fuzz suite's child process serves it, under gunicorn with the
production settings (deploy/gunicorn.conf.py):

    gunicorn -c deploy/gunicorn.conf.py "tests.fuzz.server:create()"

The same three apps as production, plus one thing for the report: when a request carrying an
X-Fuzz-Request id ends in an unhandled exception, its traceback is written to
$FUZZ_TRACE_DIR/<id>.txt so a failing example can be shown with the code that failed."""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from flask import got_request_exception, request

HEADER = "X-Fuzz-Request"


def _keep_traceback(sender, exception, **_extra) -> None:
    folder = os.environ.get("FUZZ_TRACE_DIR")
    request_id = request.headers.get(HEADER, "")
    if folder and request_id.isascii() and request_id.isdigit():
        text = "".join(traceback.format_exception(exception))
        (Path(folder) / f"{request_id}.txt").write_text(text, errors="replace")


def create():
    from services.frontdoor import FrontDoor, create_apps

    apps = create_apps()
    for app in apps.values():
        got_request_exception.connect(_keep_traceback, app)
    return FrontDoor(apps)
