"""`/<service>/metrics` and what every service measures (init_app, called by the base app).

The metrics are for the operator's Prometheus on the internal network, not for the public: they
are answered to requests that did not come through the proxy (it always sets X-Forwarded-For)
and to those carrying `Authorization: Bearer <METRICS_TOKEN>`. Everyone else gets 404, as for
an address that does not exist."""

from __future__ import annotations

import hmac
from functools import cache

from flask import Flask, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST

from shared import messaging
from shared.clock import utcnow
from shared.metrics import broker, outbox
from shared.metrics.http import KEY as HTTP_KEY, HttpMetrics, note_route
from shared.metrics.registry import KEY, Metrics, of


def may_read(forwarded_for: str | None, authorization: str | None, token: str) -> bool:
    if forwarded_for is None:
        return True  # not through the proxy: from the internal network
    if not token or authorization is None:
        return False
    return hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


def metrics_view() -> Response:
    token = current_app.config["SETTINGS"].metrics_token
    if not may_read(request.headers.get("X-Forwarded-For"), request.headers.get("Authorization"), token):
        abort(404)
    return Response(
        of(current_app).exposition(), content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
    )


def init_app(app: Flask, service: str) -> None:
    metrics = app.extensions[KEY] = Metrics()
    app.extensions[HTTP_KEY] = HttpMetrics(metrics)
    app.teardown_request(note_route)
    app.add_url_rule(f"/{service}/metrics", "metrics", metrics_view)

    @cache
    def broker_reader() -> broker.BrokerReader:  # on first use: the Celery app is made after the base app
        return broker.BrokerReader(app.extensions["celery"], messaging.redis_broker(app.config["SETTINGS"]))

    metrics.at_scrape("outbox", lambda: outbox.families(app.extensions["db_engine"], utcnow()))
    metrics.at_scrape("broker", lambda: broker_reader().families())
