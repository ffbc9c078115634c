"""`/<service>/healthz`: 200 when the service reaches its database and the broker and nothing it
sends is stuck; 503 otherwise, with what failed (for the load balancer and the operator, not
for people).

Stuck: the service's oldest outbox message still without the receiver's receipt is older than
HEALTH_OUTBOX_MAX_AGE_SECONDS (a receipt normally comes within seconds; a lost message is sent
again after OUTBOX_REDELIVER_SECONDS, so an older one means that did not help either). A
service adds checks of its own with `add_check` (notify: its delivery backlog).

`/<service>/healthz?serving` asks only whether this process can answer requests (database and
broker): the container's health check, which decides whether the proxy starts and traffic comes.
A stuck outbox is for the operator's alarm, not a reason to take the site off the net: after an
outage old rows would otherwise keep every container "unhealthy" and the proxy never started."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy import text

from shared.clock import utcnow
from shared.metrics.outbox import open_messages

CHECKS = "health_checks"  # app.extensions: name -> check
# a check returns None when all is well, else what is wrong (for the operator, in English)
Check = Callable[[Flask], str | None]


SERVING = "health_serving"  # app.extensions: the names of the checks `?serving` asks


def add_check(app: Flask, name: str, check: Check, serving: bool = False) -> None:
    """`serving`: without it passing this process cannot answer requests."""
    app.extensions.setdefault(CHECKS, {})[name] = check
    if serving:
        app.extensions.setdefault(SERVING, set()).add(name)


def outbox_check(app: Flask) -> str | None:
    limit = app.config["SETTINGS"].health_outbox_max_age_seconds
    if not limit:
        return None
    age = open_messages(app.extensions["db_engine"]).age_seconds(utcnow())
    if age > limit:
        return f"stuck: the oldest message without a receipt is {age:.0f} s old (limit {limit:g} s)"
    return None


def _database(app: Flask) -> str | None:
    with app.extensions["db_engine"].connect() as conn:
        conn.execute(text("SELECT 1"))
    return None


def _broker(app: Flask) -> str | None:
    with app.extensions["celery"].connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def healthz() -> tuple[Response, int]:
    checks = {}
    asked = current_app.extensions[CHECKS].items()
    if "serving" in request.args:
        asked = [(name, check) for name, check in asked if name in current_app.extensions[SERVING]]
    for name, check in asked:
        try:
            checks[name] = check(current_app) or "ok"
        except Exception as exc:  # report, do not crash: this is what a health check is for
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    body = jsonify(status="ok" if healthy else "unhealthy", service=current_app.config["SERVICE"], **checks)
    return body, (200 if healthy else 503)


def init_app(app: Flask, service: str) -> None:
    add_check(app, "database", _database, serving=True)
    add_check(app, "broker", _broker, serving=True)
    add_check(app, "outbox", outbox_check)
    app.add_url_rule(f"/{service}/healthz", "healthz", healthz)
