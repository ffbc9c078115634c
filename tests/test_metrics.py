"""/<service>/metrics in Prometheus' format and /healthz on stuck messages, against the real
databases, Redis and worker processes: the values are read back from the exposition (parsed by
prometheus_client's own parser) after real requests, a real booking (CalDAV and the page cache: tests/calendar/test_metrics.py).

The apps live for the whole session, so counters are compared before and after; gauges read
from the databases are absolute (every test starts with empty tables)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import update

from shared.clock import utcnow
from shared.db import transaction
from shared.identity.models import AccountsOutbox

from services.accounts.app import PREFIX as ACCOUNT
from services.engagement.db.models import OutboxMessage as EngagementOutbox
from services.notify import reminders
from services.notify.models import Delivery, PeriodicRun
from services.rooms.db.models import OutboxMessage as RoomsOutbox

from tests.support.infra import REDIS_URL
from tests.support.login import login
from tests.support.metrics import grew, parsed, scrape, value
from tests.support.workers import drain, wait_until


# --- requests --------------------------------------------------------------------------------
def test_requests_count_by_route_method_and_status_with_their_latency(rooms_app, lobeda_room, people):
    before = scrape(rooms_app, "rooms")
    client = rooms_app.test_client()
    login(client, "otto")
    for _ in range(3):
        assert client.get(f"/rooms/{lobeda_room}").status_code == 200
    assert client.get("/rooms/999999").status_code == 404  # a rule that matched, an id that did not
    assert client.get("/rooms/gibt-es-nicht/wirklich").status_code == 404
    assert client.open("/rooms/", method="BREW").status_code == 405
    after = scrape(rooms_app, "rooms")

    requests = "treffpunkt_http_requests_total"
    # one label value for every room: the rule, never the path
    assert grew(before, after, requests, route="/rooms/<int:room_id>", method="GET", status="200") == 3
    assert grew(before, after, requests, route="/rooms/<int:room_id>", method="GET", status="404") == 1
    assert grew(before, after, requests, route="(unmatched)", method="GET", status="404") == 1
    assert grew(before, after, requests, route="(unmatched)", method="other", status="405") == 1
    assert not any(str(lobeda_room) in dict(labels).get("route", "") for _name, labels in after)

    histogram = "treffpunkt_http_request_duration_seconds"
    route = {"route": "/rooms/<int:room_id>", "method": "GET"}
    assert grew(before, after, f"{histogram}_count", **route) == 4
    assert grew(before, after, f"{histogram}_bucket", le="+Inf", **route) == 4
    assert 0 < grew(before, after, f"{histogram}_sum", **route) < 40
    # buckets are cumulative and reach from 1 ms to 10 s
    buckets = sorted(
        (float(dict(labels)["le"]), v)
        for (name, labels), v in after.items()
        if name == f"{histogram}_bucket" and dict(labels)["route"] == route["route"] and dict(labels)["method"] == "GET"
    )
    assert buckets[0][0] == 0.001 and buckets[-2][0] == 10.0
    assert [v for _le, v in buckets] == sorted(v for _le, v in buckets)


# --- who may read them -------------------------------------------------------------------------
def test_metrics_are_hidden_from_requests_through_the_proxy(settings):
    from services import rooms

    token = "a-metrics-token-for-the-operators-prometheus"
    # behind one proxy, as compose runs it: ProxyFix reads X-Forwarded-For, which still tells
    app = rooms.create_app({"SETTINGS": replace(settings, metrics_token=token, trusted_proxies=1)})
    client = app.test_client()
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/rooms/metrics").status_code == 200  # the internal network
    assert client.get("/rooms/metrics", headers=proxied).status_code == 404
    for wrong in ("Bearer nope", f"Bearer {token}x", f"Basic {token}", token, "Bearer "):
        assert client.get("/rooms/metrics", headers={**proxied, "Authorization": wrong}).status_code == 404, wrong
    assert client.get("/rooms/metrics", headers={**proxied, "Authorization": f"Bearer {token}"}).status_code == 200
    # without a token set, nothing opens them through the proxy
    plain = rooms.create_app({"SETTINGS": settings}).test_client()
    assert plain.get("/rooms/metrics", headers={**proxied, "Authorization": "Bearer "}).status_code == 404


# --- the broker --------------------------------------------------------------------------------
def test_queue_length_counts_waiting_messages_priorities_included(rooms_app):
    celery = rooms_app.extensions["celery"]
    for _ in range(3):
        celery.send_task("rooms.nothing_to_see", queue="rooms")
    celery.send_task("rooms.nothing_to_see", queue="rooms", priority=6)  # kombu's sub-list for step 6
    celery.send_task("calendar.nothing_to_see", queue="calendar")  # another service's queue
    samples = scrape(rooms_app, "rooms")
    assert value(samples, "treffpunkt_broker_up") == 1
    assert value(samples, "treffpunkt_celery_queue_length", queue="rooms") == 4
    assert ("treffpunkt_celery_queue_length", frozenset({("queue", "calendar")})) not in samples


def test_a_broker_that_does_not_answer_is_a_zero_not_an_error(settings):
    from services import rooms

    app = rooms.create_app({"SETTINGS": replace(settings, broker_url="redis://127.0.0.1:1/0")})
    samples = scrape(app, "rooms")
    assert value(samples, "treffpunkt_broker_up") == 0
    assert not [name for name, _labels in samples if name == "treffpunkt_celery_queue_length"]
    assert value(samples, "treffpunkt_scrape_part_ok", part="outbox") == 1  # the rest is still there


# --- outboxes and health -----------------------------------------------------------------------
def _old_open_message(app, model, seconds: float) -> int:
    """An outbox row written `seconds` ago without a receipt, as a lost message leaves it."""
    with transaction(app.extensions["db"]) as session:
        row = model(
            message_id=f"00000000-0000-4000-8000-{int(seconds):012d}",
            task_name="calendar.room_changed",
            payload="{}",
            created_at=utcnow() - timedelta(seconds=seconds),
            next_attempt_at=utcnow() + timedelta(hours=1),
            sent_at=utcnow() - timedelta(seconds=seconds),
            attempts=1,
        )
        session.add(row)
        session.flush()
        return row.id


def _confirm(app, model) -> None:
    with transaction(app.extensions["db"]) as session:
        session.execute(update(model).values(confirmed_at=utcnow()))


def test_a_stuck_outbox_message_shows_in_the_metrics_and_turns_healthz_503(rooms_app):
    client = rooms_app.test_client()
    assert client.get("/rooms/healthz").status_code == 200
    _old_open_message(rooms_app, RoomsOutbox, 60)  # a minute without a receipt: normal enough
    _old_open_message(rooms_app, RoomsOutbox, 1000)  # past HEALTH_OUTBOX_MAX_AGE_SECONDS (900)
    samples = scrape(rooms_app, "rooms")
    assert value(samples, "treffpunkt_outbox_open_messages") == 2
    assert 1000 <= value(samples, "treffpunkt_outbox_oldest_open_age_seconds") < 1100
    stuck = client.get("/rooms/healthz")
    assert stuck.status_code == 503
    assert stuck.json["status"] == "unhealthy" and stuck.json["database"] == stuck.json["broker"] == "ok"
    assert re.fullmatch(
        r"stuck: the oldest message without a receipt is 10\d\d s old \(limit 900 s\)", stuck.json["outbox"]
    )
    # the container's health check (compose) asks only whether the process can answer requests
    serving = client.get("/rooms/healthz?serving")
    assert serving.status_code == 200 and "outbox" not in serving.json, serving.json

    _confirm(rooms_app, RoomsOutbox)  # the receipts came after all
    assert client.get("/rooms/healthz").status_code == 200
    samples = scrape(rooms_app, "rooms")
    assert value(samples, "treffpunkt_outbox_open_messages") == 0
    assert value(samples, "treffpunkt_outbox_oldest_open_age_seconds") == 0


def test_each_service_watches_its_own_outbox_the_accounts_one_in_the_identity_database(apps):
    _old_open_message(apps["accounts"], AccountsOutbox, 2000)
    assert apps["accounts"].test_client().get(f"/{ACCOUNT}/healthz").status_code == 503
    assert value(scrape(apps["accounts"], ACCOUNT), "treffpunkt_outbox_open_messages") == 1
    for service, prefix in (
        ("rooms", "rooms"),
        ("calendar", "calendar"),
        ("notify", "notify"),
        ("engagement", "engagement"),
    ):
        assert apps[service].test_client().get(f"/{prefix}/healthz").status_code == 200, service
        assert value(scrape(apps[service], prefix), "treffpunkt_outbox_open_messages") == 0, service


def test_the_engagement_service_watches_its_own_outbox(apps):
    _old_open_message(apps["engagement"], EngagementOutbox, 2000)
    stuck = apps["engagement"].test_client().get("/engagement/healthz")
    assert stuck.status_code == 503 and stuck.json["outbox"].startswith("stuck"), stuck.json
    assert value(scrape(apps["engagement"], "engagement"), "treffpunkt_outbox_open_messages") == 1
    assert apps["engagement"].test_client().get("/engagement/healthz?serving").status_code == 200
    for service, prefix in (("rooms", "rooms"), ("notify", "notify"), ("accounts", ACCOUNT)):
        assert apps[service].test_client().get(f"/{prefix}/healthz").status_code == 200, service


def test_the_threshold_is_a_setting_and_zero_turns_the_check_off(settings):
    from services import rooms

    app = rooms.create_app({"SETTINGS": replace(settings, health_outbox_max_age_seconds=0)})
    _old_open_message(app, RoomsOutbox, 100_000)
    assert app.test_client().get("/rooms/healthz").status_code == 200
    with pytest.raises(ValueError, match="OUTBOX_REDELIVER_SECONDS"):
        replace(settings, health_outbox_max_age_seconds=300)  # below the first redelivery (600 s)


# --- notify ------------------------------------------------------------------------------------
def test_a_real_bookings_deliveries_and_the_reminder_scan(apps, workers, lobeda_room, people, smtp_sink, sms_gateway):
    rooms_app, notify_app = apps["rooms"], apps["notify"]
    client = rooms_app.test_client()
    login(client, "otto")
    page = client.get(f"/rooms/{lobeda_room}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    day = (utcnow() + timedelta(days=9)).date().isoformat()
    form = {"csrf_token": token, "date": day, "start": "15:00", "end": "16:00", "title": "Seniorencafé"}
    assert client.post(f"/rooms/{lobeda_room}", data=form).status_code == 302
    wait_until(lambda: smtp_sink.messages and sms_gateway.received, what="email and SMS")
    drain(REDIS_URL)

    def sent():
        samples = scrape(notify_app, "notify")
        by_channel = {
            c: value(samples, "treffpunkt_notify_deliveries", state="sent", channel=c) for c in ("email", "sms")
        }
        return samples if by_channel == {"email": 1, "sms": 1} else None

    samples = wait_until(sent, what="both deliveries sent in the metrics")
    assert value(samples, "treffpunkt_notify_deliveries", state="queued", channel="email") == 0
    assert value(samples, "treffpunkt_notify_deliveries", state="failed", channel="sms") == 0
    assert value(samples, "treffpunkt_notify_backlog_age_seconds") == 0
    # the booking's messages got their receipts: nothing open in the rooms outbox
    wait_until(lambda: value(scrape(rooms_app, "rooms"), "treffpunkt_outbox_open_messages") == 0, what="receipts")

    # the reminder scan, as beat sends it, run by the notify worker: its lag becomes measurable
    assert ("treffpunkt_notify_reminder_scan_lag_seconds", frozenset()) not in samples  # never ran
    notify_app.extensions["celery"].send_task("notify.scan_reminders", queue="notify")
    lag = wait_until(
        lambda: scrape(notify_app, "notify").get(("treffpunkt_notify_reminder_scan_lag_seconds", frozenset())),
        what="the scan's lag",
    )
    assert 0 <= lag < 30
    with transaction(notify_app.extensions["db"]) as session:  # as if beat had stopped 5 minutes ago
        session.execute(
            update(PeriodicRun)
            .where(PeriodicRun.task == reminders.SCAN)
            .values(finished_at=utcnow() - timedelta(minutes=5))
        )
    assert 300 <= value(scrape(notify_app, "notify"), "treffpunkt_notify_reminder_scan_lag_seconds") < 330


def _delivery(notify_app, status: str, due_seconds_ago: float, **extra) -> int:
    moment = utcnow() - timedelta(seconds=due_seconds_ago)
    with transaction(notify_app.extensions["db"]) as session:
        row = Delivery(
            message_id=f"00000000-0000-4000-9000-{int(due_seconds_ago):012d}",
            channel="email",
            account_id=1,
            recipient="lena@example.org",
            kind="confirmed",
            booking_id=42,
            uid="booking-42@treffpunkt-jena.de",
            status=status,
            created_at=moment,
            **extra,
        )
        session.add(row)
        session.flush()
        return row.id


def test_a_notify_backlog_turns_its_healthz_503_until_it_is_sent(notify_app):
    client = notify_app.test_client()
    _delivery(notify_app, "queued", 30)  # just waiting its turn
    # a retry due only in an hour is not behind, however old the delivery
    _delivery(notify_app, "retrying", 5000, next_attempt_at=utcnow() + timedelta(hours=1))
    assert client.get("/notify/healthz").status_code == 200
    stuck = _delivery(notify_app, "queued", 1200)  # past HEALTH_NOTIFY_BACKLOG_SECONDS (900)
    samples = scrape(notify_app, "notify")
    assert 1200 <= value(samples, "treffpunkt_notify_backlog_age_seconds") < 1300
    assert value(samples, "treffpunkt_notify_deliveries", state="queued", channel="email") == 2
    assert value(samples, "treffpunkt_notify_deliveries", state="retrying", channel="email") == 1
    answer = client.get("/notify/healthz")
    assert answer.status_code == 503
    assert answer.json["deliveries"].startswith("backlog: a delivery due 12") and answer.json["outbox"] == "ok"

    with transaction(notify_app.extensions["db"]) as session:
        session.execute(update(Delivery).where(Delivery.id == stuck).values(status="sent", sent_at=utcnow()))
    assert client.get("/notify/healthz").status_code == 200
    assert 30 <= value(scrape(notify_app, "notify"), "treffpunkt_notify_backlog_age_seconds") < 100


# --- several gunicorn workers, one sum ---------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
PAGE = "/rooms/impressum"


class Gunicorn:
    """The rooms app under deploy/gunicorn.conf.py with two workers, as compose runs it."""

    def __init__(self, settings, log_dir: Path, **env: str):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        environ = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        environ.update(settings.to_env())
        environ.update(
            PYTHONPATH=str(ROOT),
            WEB_CONCURRENCY="2",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            DB_POOL_SIZE="1",
            GUNICORN_LOGLEVEL="warning",
            **env,
        )
        self.log = log_dir / f"gunicorn-{self.port}.log"
        command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "services.rooms:create_app()"]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT)

    def __enter__(self) -> Gunicorn:
        def ready():
            assert self.process.poll() is None, self.log.read_text()
            try:
                return requests.get(f"{self.base}/rooms/healthz", timeout=5).status_code == 200
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still loading
                return False

        wait_until(ready, timeout=60, what="gunicorn")
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def hit(self, times: int) -> None:
        """`times` requests from 8 clients at once, each on a new connection (any worker)."""

        def one(_i: int) -> int:
            return requests.get(self.base + PAGE, headers={"Connection": "close"}, timeout=10).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(one, range(times))) == {200}

    def hit_until_both_answered(self, folder: Path) -> int:
        """Requests until both workers have counted some (the second may still be starting);
        returns how many were sent."""
        sent = 0

        def both() -> bool:
            nonlocal sent
            self.hit(20)
            sent += 20
            return len(workers_in(folder)) == 2

        wait_until(both, timeout=60, what="both workers answering")
        return sent

    def counted(self) -> float:
        text = requests.get(f"{self.base}/rooms/metrics", timeout=10).text
        return value(parsed(text), "treffpunkt_http_requests_total", route=PAGE, method="GET", status="200")


def workers_in(folder: Path) -> set[int]:
    """The processes that have counted something (prometheus_client's files: counter_<pid>.db)."""
    return {int(f.stem.rsplit("_", 1)[1]) for f in folder.glob("counter_*.db")}


def test_every_scrape_sums_all_gunicorn_workers_even_ended_ones(settings, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_999999.db").write_bytes(b"left over from the last run")
    with Gunicorn(settings, tmp_path, PROMETHEUS_MULTIPROC_DIR=str(folder)) as server:
        assert not (folder / "counter_999999.db").exists()  # emptied at start
        sent = server.hit_until_both_answered(folder)
        workers = workers_in(folder)
        # whichever worker answers a scrape, it sums both
        assert {server.counted() for _ in range(6)} == {sent}

        ended = min(workers)
        os.kill(ended, signal.SIGTERM)  # gunicorn starts another in its place (child_exit runs)
        wait_until(lambda: not Path(f"/proc/{ended}").exists(), what="the worker to end")
        server.hit(30)
        assert (folder / f"counter_{ended}.db").exists()  # its counts stay in the sum
        assert {server.counted() for _ in range(6)} == {sent + 30}


def test_without_a_folder_given_gunicorn_makes_its_own_and_removes_it(settings, tmp_path):
    with Gunicorn(settings, tmp_path, TMPDIR=str(tmp_path)) as server:
        (folder,) = tmp_path.glob("treffpunkt-metrics-*")
        sent = server.hit_until_both_answered(folder)
        assert {server.counted() for _ in range(6)} == {sent}
    assert not folder.exists()
