"""Fixtures for the notify tests: booking-notice payloads built through the real contract, and
running the real task in-process (eager) inside the notify app."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shared import contracts

FIRST = datetime(2026, 3, 20, 13, 0, tzinfo=timezone.utc)  # 14:00 in Jena, before summer time


def notice_payload(kind="confirmed", weeks=1, email="lena@example.org", phone="0151 23456789", language="de",
                   sequence=0, title="Krabbelgruppe", account_id=1, **overrides):
    occurrences = [{"starts_at": FIRST + timedelta(weeks=i), "ends_at": FIRST + timedelta(weeks=i, hours=2)}
                   for i in range(weeks)]
    values = dict(
        kind=kind, booking_id=42, uid="booking-42@treffpunkt-jena.de", sequence=sequence, title=title,
        room={"id": 7, "name": "Saal im Erdgeschoss", "address": "Karl-Marx-Allee 28", "partner_name": "MGH Lobeda"},
        recipient={"account_id": account_id, "name": "Lena Beispiel", "email": email, "phone": phone,
                   "language": language},
        occurrences=occurrences, link="http://127.0.0.1:8080/rooms/bookings/42",
    )
    values.update(overrides)
    return contracts.build("notify.booking_notice", **values)


@pytest.fixture
def fast_retries(notify_app, monkeypatch):
    """Backoff of (almost) nothing: configuration, the same knob production has."""
    monkeypatch.setitem(notify_app.config, "NOTIFY_RETRY_BASE_SECONDS", 0.01)
    monkeypatch.setitem(notify_app.config, "NOTIFY_RETRY_MAX_SECONDS", 0.05)
    return notify_app


@pytest.fixture
def run_task(notify_app, fast_retries):
    """Run a notify task as the worker would, in this process; returns the eager result."""

    def run(name, **kwargs):
        result = notify_app.extensions["celery"].tasks[name].apply(kwargs=kwargs)
        result.get(propagate=True)
        return result

    return run


@pytest.fixture
def deliveries(notify_app):
    """The delivery rows as plain dicts, oldest first."""
    from sqlalchemy import select

    from services.notify.models import Delivery

    def load():
        with notify_app.extensions["db"]() as session:
            rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
            return [{c: getattr(r, c) for c in ("id", "channel", "recipient", "status", "attempts", "last_error",
                                                "kind", "account_id", "subject", "sent_at")} for r in rows]

    return load
