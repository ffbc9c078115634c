"""Helpers of the notify tests: booking-notice payloads built through the real contract,
changing a notify setting for one test, and watching what arrived where."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import redis
from sqlalchemy import func, select

from shared import contracts

from services.notify.models import Delivery

from tests.support.workers import Worker

FIRST = datetime(2026, 3, 20, 13, 0, tzinfo=timezone.utc)  # 14:00 in Jena, before summer time


def notice_payload(
    kind="confirmed",
    weeks=1,
    email="lena@example.org",
    phone="0151 23456789",
    language="de",
    sequence=0,
    title="Krabbelgruppe",
    account_id=1,
    **overrides,
):
    occurrences = [
        {"starts_at": FIRST + timedelta(weeks=i), "ends_at": FIRST + timedelta(weeks=i, hours=2)} for i in range(weeks)
    ]
    values = dict(
        kind=kind,
        booking_id=42,
        uid="booking-42@treffpunkt-jena.de",
        sequence=sequence,
        title=title,
        room={"id": 7, "name": "Saal im Erdgeschoss", "address": "Karl-Marx-Allee 28", "partner_name": "MGH Lobeda"},
        recipient={
            "account_id": account_id,
            "name": "Lena Beispiel",
            "email": email,
            "phone": phone,
            "language": language,
        },
        occurrences=occurrences,
        link="http://127.0.0.1:8080/rooms/bookings/42",
    )
    values.update(overrides)
    return contracts.build("notify.booking_notice", **values)


def tune(monkeypatch, notify_app, **changes) -> None:
    """Change notify settings of `notify_app` for one test (the object is frozen: it is replaced)."""
    monkeypatch.setitem(notify_app.config, "NOTIFY_SETTINGS", replace(notify_app.config["NOTIFY_SETTINGS"], **changes))


MESSAGE_ID = re.compile(r"<([0-9a-f-]{36})\.email@")


def arrivals(sink) -> Counter:
    """How often each message_id reached the sink (read from the stable Message-ID header)."""
    counts = Counter()
    for mail in sink.messages:
        match = MESSAGE_ID.match(str(mail["Message-ID"]))
        counts[match.group(1) if match else f"unparsed:{mail['Message-ID']}"] += 1
    return counts


def wait_for(predicate, timeout: float, explain) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"not reached within {timeout:.0f} s: {explain()}")


def notices(count: int, phone: str = "") -> list[dict]:
    """Distinct booking notices (one booking each), built through the real contract."""
    return [
        notice_payload(
            booking_id=10_000 + i,
            uid=f"booking-{10_000 + i}@treffpunkt-jena.de",
            email=f"person{i}@example.org",
            phone=phone,
            title=f"Kurs {i}",
        )
        for i in range(count)
    ]


def broker_idle(url: str) -> bool:
    """Nothing waiting in the notify or rooms queue and nothing taken but unacknowledged."""
    client = redis.Redis.from_url(url)
    return client.llen("notify") == 0 and client.llen("rooms") == 0 and client.hlen("unacked") == 0


def delivery_states(notify_app) -> Counter:
    """How many deliveries are in each state."""
    with notify_app.extensions["db"]() as session:
        return Counter(dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all()))


ALERT = re.compile(r'<div class="errorbox" role="alert">(.*?)</div>', re.S)


def alerts(response) -> list[str]:
    """The sentences a page shows in its alert box (one per mistake), in whatever language."""
    boxes = ALERT.findall(response.get_data(as_text=True))
    return [p for box in boxes for p in re.findall(r"<p>(.*?)</p>", box, re.S)]


VISIBILITY_TIMEOUT = 5  # seconds; a dead worker's messages come back after this
# a worker's env: short backoff, and a claim left in "sending" by a dead worker counts as
# abandoned after 5 s (a live send over loopback takes milliseconds)
WORKER_ENV = {"NOTIFY_RETRY_BASE_SECONDS": "0.2", "NOTIFY_RETRY_MAX_SECONDS": "1", "NOTIFY_STALE_SENDING_SECONDS": "5"}


def start_worker(settings, notify, tmp_path, pool: str, concurrency: int) -> Worker:
    """A notify worker process for the kill and failure tests, ready to take messages."""
    return Worker(
        "notify", settings, tmp_path, extra_env=WORKER_ENV, pool=pool, notify=notify, concurrency=concurrency
    ).wait_ready()
