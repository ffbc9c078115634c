"""LOG_FORMAT=json: one JSON object per log line in every process, one request id from the front
door through the outbox and Celery into every service's lines, and no personal data in any.

Real parts: the rooms app under gunicorn with deploy/gunicorn.conf.py, real Celery workers and
the beat as processes on this run's Redis, PostgreSQL, the SMTP sink and the fake SMS gateway."""

from __future__ import annotations

import importlib
import json
import logging
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from werkzeug.test import Client

from shared import logs, outbox
from shared.config import Settings
from shared.db import make_engine, transaction

from services.rooms.booking import rooms as operations
from services.rooms.db.models import OutboxMessage

from tests.support.infra import REDIS_URL
from tests.support.live import LiveServer
from tests.support.login import PASSWORD
from tests.support.rooms import csrf_token
from tests.support.workers import ROOT, Worker, drain, wait_until

JSON = {"LOG_FORMAT": "json"}
# the booker's personal data, as the `people` fixture gave it to Otto
OTTO = ("otto@example.org", "Otto", "9876543", "+491609876543")


# --- the request id at the door -------------------------------------------------------------
def test_the_front_doors_request_id_comes_back_on_the_answer(rooms_app):
    sent = str(uuid.uuid4())  # what Caddy's {http.request.uuid} looks like
    answer = rooms_app.test_client().get("/rooms/healthz", headers={"X-Request-Id": sent})
    assert answer.headers["X-Request-Id"] == sent


@pytest.mark.parametrize(
    "sent",
    ["", "short", "x" * 65, "two words and more", "<script>alert(1)</script>", "id;drop-table-x", "ümläüte-12345"],
)
def test_a_request_id_that_is_no_id_is_replaced_by_a_new_one(rooms_app, sent):
    answer = rooms_app.test_client().get("/rooms/healthz", headers={"X-Request-Id": sent})
    got = answer.headers["X-Request-Id"]
    assert got != sent and uuid.UUID(got)


def test_make_runs_front_door_makes_an_id_for_every_answer(frontdoor):
    """No Caddy in `make run`: each app makes one; the door's own not-found page too."""
    client = Client(frontdoor)
    ids = {client.get(path).headers.get("X-Request-Id") for path in ("/calendar/", "/rooms/login", "/nowhere")}
    assert None not in ids and len(ids) == 3


def test_make_runs_request_lines_keep_no_query_string(settings, caplog):
    from services.frontdoor import create_frontdoor

    with caplog.at_level(logging.INFO, logger="werkzeug"), LiveServer(create_frontdoor(settings)) as live:
        requests.get(f"{live.url}/notify/?q=otto@example.org&page=2", timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /notify/ HTTP/1.1" in line for line in lines), lines
    assert not any("otto" in line or "page=" in line for line in lines), lines


# --- one line ---------------------------------------------------------------------------------
def test_a_json_line_has_its_fields_and_masks_an_email_address_in_an_exception():
    token = logs.request_id.set("req-1234-abcd")
    try:
        try:
            raise RuntimeError("SMTP 550 <otto@example.org>: no such user")
        except RuntimeError:
            record = logging.LogRecord("services.notify.sending", logging.ERROR, __file__, 1, "delivery %s", (7,), None)
            record.exc_info = sys.exc_info()
        line = json.loads(logs.JsonFormatter("notify").format(record))
    finally:
        logs.request_id.reset(token)
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)
    assert {k: line[k] for k in ("level", "logger", "message", "service", "request_id")} == {
        "level": "ERROR",
        "logger": "services.notify.sending",
        "message": "delivery 7",
        "service": "notify",
        "request_id": "req-1234-abcd",
    }
    assert "RuntimeError: SMTP 550 <[email]>" in line["exception"] and "otto@" not in line["exception"]
    assert "task" not in line  # outside a task


def test_an_unknown_log_format_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="LOG_FORMAT is 'xml', it must be one of: text, json"):
        Settings.from_env(log_format="xml")


def test_a_database_errors_text_leaves_out_the_statements_parameters(settings):
    """What a failing statement was given (names, addresses) is not in the error that gets logged."""
    engine = make_engine(settings.rooms_database_url)
    try:
        with pytest.raises(DBAPIError) as failed, engine.connect() as conn:
            conn.execute(text("SELECT 1 / 0 WHERE :email <> ''"), {"email": "otto@example.org"})
    finally:
        engine.dispose()
    assert "division by zero" in str(failed.value) and "otto@" not in str(failed.value)


# --- the outbox keeps it --------------------------------------------------------------------
def _queued_headers(queue: str) -> list[dict]:
    """The headers of the messages waiting in a Redis queue (kombu keeps each as JSON)."""
    return [json.loads(raw)["headers"] for raw in redis.Redis.from_url(REDIS_URL).lrange(queue, 0, -1)]


def test_an_outbox_row_keeps_its_request_id_and_every_publish_of_it_carries_that_id(rooms_app, people):
    factory, celery = rooms_app.extensions["db"], rooms_app.extensions["celery"]
    token = logs.request_id.set("booking-request-0001")
    try:
        with transaction(factory) as session:  # published right after the commit
            operations.create_room(session, people["lena"]["partner_id"], name="Kleiner Saal", district="Lobeda")
    finally:
        logs.request_id.reset(token)
    with factory() as session:
        row = session.query(OutboxMessage).one()
        assert row.request_id == "booking-request-0001"
        row.next_attempt_at = row.created_at  # its receipt is "overdue": published again
        session.commit()
    token = logs.request_id.set("periodic-sweep-0002")  # the sweep runs under a request id of its own
    try:
        assert outbox.relay(factory, OutboxMessage, celery) == (1, 0)
    finally:
        logs.request_id.reset(token)
    assert [h["request_id"] for h in _queued_headers("calendar")] == ["booking-request-0001"] * 2


@pytest.mark.parametrize("chain", ["shared.identity", "services.calendar", "services.rooms", "services.notify"])
def test_the_request_id_revision_goes_down_and_up_on_sqlite_keeping_the_rows(tmp_path, chain):
    """Each chain's outbox_schema v4 revision can be undone (SQLite: a batch copy of the table)
    and redone; rows written before it have no request id."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from shared.migrate import alembic_config

    url = f"sqlite:///{tmp_path}/outbox.db"
    cfg = alembic_config(importlib.import_module(chain).MIGRATIONS, url)
    [v4] = [r for r in ScriptDirectory.from_config(cfg).walk_revisions() if "request id" in (r.doc or "")]
    command.upgrade(cfg, "head")
    command.downgrade(cfg, v4.down_revision)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outbox (message_id, task_name, payload, created_at, next_attempt_at, attempts,"
                " last_error) VALUES ('m-1', 't', '{}', '2026-12-01 09:00:00', '2026-12-01 09:00:00', 0, '')"
            )
        )
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT message_id, request_id FROM outbox")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("m-1", None)]


def test_a_message_sent_outside_any_request_gets_a_fresh_id(rooms_app):
    rooms_app.extensions["celery"].send_task("calendar.nothing", queue="calendar")
    rooms_app.extensions["celery"].send_task("calendar.nothing", queue="calendar")
    first, second = (h["request_id"] for h in _queued_headers("calendar"))
    assert first != second and logs.valid_request_id(first) and logs.valid_request_id(second)


# --- a booking through every process --------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _gunicorn(settings, log: Path) -> Iterator[str]:
    """The rooms app as compose runs it (deploy/gunicorn.conf.py), with json logs; its URL."""
    port = _free_port()
    env = {
        **os.environ,
        **settings.to_env(),
        **JSON,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "services.rooms:create_app()"]
    with open(log, "wb") as out:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(f"{base}/rooms/healthz") or server.poll() is not None, 60, "gunicorn")
        assert server.poll() is None, log.read_text()
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


@contextmanager
def _beat(settings, log: Path) -> Iterator[None]:
    env = {**os.environ, **settings.to_env(), **JSON, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "celery", "-A", "services.beat", "beat", "--loglevel", "INFO"]
    with open(log, "wb") as out:
        beat = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        yield
    finally:
        beat.terminate()
        beat.wait(timeout=30)


def _book(base: str, room_id: int, request_id: str) -> requests.Response:
    """Otto books through the web form; the booking's POST comes with the front door's id."""
    otto = requests.Session()
    login = csrf_token(otto.get(f"{base}/rooms/login").text)
    otto.post(f"{base}/rooms/login", data={"csrf_token": login, "username": "otto", "password": PASSWORD})
    form = csrf_token(otto.get(f"{base}/rooms/{room_id}").text)
    day = (date.today() + timedelta(days=9)).isoformat()
    fields = {"csrf_token": form, "date": day, "start": "15:00", "end": "16:00", "title": "Seniorencafé der AWO"}
    return otto.post(f"{base}/rooms/{room_id}", data=fields, headers={"X-Request-Id": request_id})


def _lines(path: Path) -> list[dict]:
    """Every line of a process's output, each of which must be one JSON object."""
    parsed = []
    for number, written in enumerate(path.read_text().splitlines(), 1):
        try:
            line = json.loads(written)
        except json.JSONDecodeError:
            pytest.fail(f"{path.name}:{number} is no JSON: {written!r}")
        assert isinstance(line, dict) and {"time", "level", "logger", "message", "service"} <= set(line), written
        parsed.append(line)
    assert parsed, f"{path.name} is empty"
    return parsed


def _sweeps_run(log: Path) -> int:
    return sum('"rooms.relay_outbox"' in line and '"request_id"' in line for line in log.read_text().splitlines())


def _request_ids(lines: list[dict], task: str) -> set[str]:
    """The request ids of a task's lines (Celery's "received" line, before it runs, has none)."""
    return {line["request_id"] for line in lines if line.get("task") == task and "request_id" in line}


@pytest.mark.e2e
def test_one_booking_carries_one_request_id_through_every_process_as_json_without_personal_data(
    settings, notify_settings, people, lobeda_room, smtp_sink, sms_gateway, tmp_path
):
    rid = str(uuid.uuid4())
    web_log, beat_log = tmp_path / "web.log", tmp_path / "beat.log"
    workers = {
        service: Worker(service, settings, tmp_path, extra_env=JSON, notify=notify_settings, pool=pool)
        for service, pool in (("calendar", "solo"), ("rooms", "solo"), ("notify", "prefork"))
    }
    try:
        for worker in workers.values():
            worker.wait_ready()
        with _gunicorn(settings, web_log) as base, _beat(settings, beat_log):
            booked = _book(base, lobeda_room, rid)
            assert booked.status_code == 200 and "/rooms/bookings/" in booked.url, booked.text
            assert booked.history[0].headers["X-Request-Id"] == rid
            requests.get(f"{base}/rooms/cancel/SECRET-CANCEL-TOKEN?from=mail", timeout=10)
            wait_until(lambda: smtp_sink.messages and sms_gateway.received, what="email and SMS")
            drain(REDIS_URL)
            # the receipts come back to rooms; beat's sweeps go on meanwhile
            wait_until(lambda: rid in workers["rooms"].log_path.read_text(), what="the receipt in rooms' log")
            wait_until(lambda: _sweeps_run(workers["rooms"].log_path) >= 3, 30, "beat's sweeps")
    finally:
        for worker in workers.values():
            worker.stop()

    web, beat = _lines(web_log), _lines(beat_log)
    calendar, rooms, notify = (_lines(workers[s].log_path) for s in ("calendar", "rooms", "notify"))
    # what a worker's signal handler says when it is stopped is a JSON line too
    assert any(line["message"] == "worker: Warm shutdown (MainProcess)" for line in rooms), rooms[-3:]

    # the web's access line for the booking: structured, with the front door's id
    posted = next(line for line in web if line.get("method") == "POST" and line.get("request_id") == rid)
    assert posted["status"] == 302 and posted["path"] == f"/rooms/{lobeda_room}"
    assert posted["route"] == "/rooms/<int:room_id>" and posted["service"] == "rooms"
    assert posted["client"] == "127.0.0.1" and posted["duration_ms"] > 0
    cancel = {line["path"] for line in web if line.get("path", "").startswith("/rooms/cancel/")}
    assert cancel == {"/rooms/cancel/[redacted]"}

    # the same id in each worker that handled the booking's messages, and the messages they sent
    assert _request_ids(calendar, "calendar.booking_changed") == {rid}
    assert _request_ids(notify, "notify.booking_notice") == {rid}
    assert rid in _request_ids(rooms, "rooms.outbox_receipt")

    # beat's periodic runs: each its own id, none the booking's
    sweeps = _request_ids(rooms, "rooms.relay_outbox")
    assert len(sweeps) >= 3 and rid not in sweeps
    assert all(line["service"] == "beat" for line in beat)

    everything = "\n".join(path.read_text() for path in (web_log, beat_log, *(w.log_path for w in workers.values())))
    for personal in (*OTTO, "SECRET-CANCEL-TOKEN", "from=mail"):
        assert personal not in everything, personal
