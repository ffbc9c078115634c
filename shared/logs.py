"""Log lines as text (the default) or as one JSON object per line (LOG_FORMAT=json), in every
process: the web apps, gunicorn's error and access logs, the Celery workers and the beat.

`configure(log_format, service)` is the one place that decides; each kind of process calls it
once at start (shared.web.app for the apps and so for the workers, services.beat, gunicorn's
logger class in deploy/gunicorn.conf.py). Celery sets up its own handlers after that: the signal
receivers below give them the same formatter.

A request id ties the lines of one request together, and the lines of every task its messages
cause (shared.messaging carries it in a message header): `request_id` holds it for the request or
task being handled.

No personal data: log ids, counts and kinds, never an address, a number, a name or a text someone
wrote. The JSON formatter also masks anything shaped like an email address, should an exception's
text carry one (an SMTP server quoting the recipient it refused).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from celery import signals
from celery._state import get_current_task
from celery.apps import worker as celery_worker
from celery.utils.log import LoggingProxy

from shared import signed_links
from shared.config import LOG_FORMATS

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# what the front door (Caddy's {http.request.uuid}) or a client may send: an id, never a text
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FIELDS = "fields"  # `extra={FIELDS: {...}}`: structured fields of a line (the access log's)
# set in a request's WSGI environ by shared.web.request_ids, for the server's access log
ENVIRON_REQUEST_ID, ENVIRON_ROUTE = "treffpunkt.request_id", "treffpunkt.route"


def valid_request_id(value: object) -> str | None:
    """`value` if it looks like a request id (8-64 letters, digits, '.', '_', '-'), else None."""
    return value if isinstance(value, str) and _REQUEST_ID.fullmatch(value) else None


def new_request_id() -> str:
    return str(uuid.uuid4())


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (ISO 8601, UTC), level, logger, message, service, and
    where known request_id, task and task_id, exception, and the record's structured fields."""

    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _mask(record.getMessage()),
            "service": self.service,
        }
        if rid := request_id.get():
            line["request_id"] = rid
        task = get_current_task()
        if task is not None and task.request.id:
            line["task"], line["task_id"] = task.name, task.request.id
        elif isinstance(data := getattr(record, "data", None), dict) and "id" in data and "name" in data:
            line["task"], line["task_id"] = data["name"], data["id"]  # Celery's "received" line
        if record.exc_info:
            line["exception"] = _mask(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = _mask(record.exc_text)
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, dict):
            line.update({key: value for key, value in fields.items() if key not in line and value is not None})
        return json.dumps(line, ensure_ascii=False, default=str)


def _mask(text: str) -> str:
    return _EMAIL.sub("[email]", text) if "@" in text else text


def access_fields(environ: dict[str, Any], status: int | str, seconds: float) -> dict[str, Any]:
    """An access log line's fields. The path without its query (a search may be a name or an
    address) and without signed links' tokens; the client address as the app saw it (behind
    TRUSTED_PROXIES proxies: the one they name)."""
    return {
        "method": environ.get("REQUEST_METHOD", ""),
        "path": signed_links.redact(environ.get("PATH_INFO", "")),
        "route": environ.get(ENVIRON_ROUTE),
        "status": int(str(status).split(None, 1)[0]),
        "duration_ms": round(seconds * 1000, 2),
        "client": environ.get("REMOTE_ADDR", ""),
        "request_id": environ.get(ENVIRON_REQUEST_ID),
    }


_QUERY = re.compile(r"(\s/[^?\s\"]*)\?[^\s\"]*")


class WithoutQueries(logging.Filter):
    """Request lines (werkzeug's in `make run`) without their query strings: a search may be a
    name or an address."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = _QUERY.sub(r"\1", message), ()
        return True


def without_queries(logger: logging.Logger) -> None:
    """Install the filter once (apps are built many times in one process: tests, make run)."""
    if not any(isinstance(f, WithoutQueries) for f in logger.filters):
        logger.addFilter(WithoutQueries())


class _State:
    log_format = "text"
    service = ""


_state = _State()


def configure(log_format: str, service: str) -> None:
    """Set this process's log format (one of LOG_FORMATS); with json, the root logger writes
    JSON lines to stderr. Once json, later calls change nothing: the first names the process's
    service (make run's front door serves four apps in one process)."""
    assert log_format in LOG_FORMATS, log_format  # Settings checked it
    if is_json():
        return
    _state.log_format, _state.service = log_format, service
    if log_format != "json":
        return
    root = logging.getLogger()
    # sys.__stderr__: Celery replaces sys.stderr with a logger, which must not write to itself
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(JsonFormatter(service))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.captureWarnings(True)  # a library's warning is a line like any other


def is_json() -> bool:
    return _state.log_format == "json"


def use_json(*loggers: logging.Logger) -> None:
    """Give the handlers of `loggers` the JSON formatter (handlers others set up: Celery's,
    gunicorn's)."""
    for logger in loggers:
        for handler in logger.handlers:
            handler.setFormatter(JsonFormatter(_state.service))


def print_as_log() -> None:
    """What the beat prints (its start banner) becomes a log line too, so that its output stays
    one JSON object per line. Celery sends stdout to its logger only after the banner."""
    if is_json() and not isinstance(sys.stdout, LoggingProxy):
        sys.stdout = LoggingProxy(logging.getLogger("celery.redirected"), logging.INFO)


def _worker_banner_as_log(instance: Any, **_: object) -> None:
    """A worker prints its banner straight to the terminal (sys.__stdout__): with json it logs
    what the banner says (queues, concurrency, broker without password) as one line instead, and
    its signal handlers' notices ("worker: Warm shutdown (MainProcess)") become JSON lines too."""
    if is_json():
        instance.quiet = True
        logging.getLogger("celery.apps.worker").info("%s", instance.startup_info(artlines=False))
        celery_worker.safe_say = _say_as_json


def _say_as_json(msg: str, f: Any = sys.__stderr__) -> None:
    """Celery's `safe_say`, which its signal handlers call, as one JSON line. No logging here:
    a handler's lock may be held by the very code the signal interrupted; one os.write is safe."""
    line = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": "WARNING",
        "logger": "celery.apps.worker",
        "message": msg.strip(),
        "service": _state.service,
    }
    try:
        os.write(f.fileno(), (json.dumps(line, ensure_ascii=False) + "\n").encode())
    except (OSError, AttributeError, ValueError):
        pass  # as Celery's own: losing the notice must never abort the shutdown


# Celery adds its own handlers to the root logger (when it finds none), to its task logger and to
# multiprocessing's after `configure`; with json they get the same formatter.
def _celery_root(logger: logging.Logger, **_: object) -> None:
    if is_json():
        use_json(logger, logging.getLogger("multiprocessing"))


def _celery_task(logger: logging.Logger, **_: object) -> None:
    if is_json():
        use_json(logger)


signals.after_setup_logger.connect(_celery_root, weak=False, dispatch_uid="treffpunkt.logs.root")
signals.after_setup_task_logger.connect(_celery_task, weak=False, dispatch_uid="treffpunkt.logs.task")
signals.celeryd_after_setup.connect(_worker_banner_as_log, weak=False, dispatch_uid="treffpunkt.logs.banner")
