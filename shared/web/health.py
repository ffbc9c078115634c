"""`/<service>/healthz`: 200 when the service reaches its database and the broker, 503 otherwise,
with what failed (for the load balancer and the operator, not for people)."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify
from sqlalchemy import text


def healthz() -> tuple[Response, int]:
    checks = {}
    try:
        with current_app.extensions["db_engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # report, do not crash: this is what a health check is for
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        celery = current_app.extensions["celery"]
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    body = jsonify(status="ok" if healthy else "unhealthy", service=current_app.config["SERVICE"], **checks)
    return body, (200 if healthy else 503)


def init_app(app: Flask, service: str) -> None:
    app.add_url_rule(f"/{service}/healthz", "healthz", healthz)
