"""The production shape, run: docker-compose.yml's services as processes on this machine
(tests/support/production.py reads commands, environment, start order and grace periods from the
file), on the suite's PostgreSQL databases, Redis and SMTP sink, with Debian's Caddy and
deploy/Caddyfile in front. Everything here goes through Caddy's port, as a person's browser and
calendar program would. The shape starts once for the module, with LOG_FORMAT=json as an
operator's .env may set it (its request ids are read from the JSON lines); a test near the end
stops it. Two more, smaller shapes follow: one serves HTTPS (web services and Caddy), one sends
a booking's messages through RabbitMQ (CELERY_BROKER_URL) instead of Redis.

Where a Docker engine answers, the image is built and the compose stack started as well; the
run's summary says which part ran ("production shape"), so where none answers (CI here) it says
that only the native shape ran, and why.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import caldav
import icalendar
import psycopg
import pytest
import redis
import requests

from shared.db import make_engine, make_session_factory, transaction
from shared.identity.store import IdentityStore
from shared.identity.throttle import ADDRESS_LIMIT

from services.rooms.booking import rooms as room_operations

from tests.support import infra, rabbitmq
from tests.support.login import PASSWORD
from tests.support.production import RAN, ROOT, Infrastructure, Shape, docker_engine, free_port, local_variables
from tests.support.workers import wait_until

pytestmark = pytest.mark.e2e

SPOOFED = "203.0.113.77"  # an address a client claims in X-Forwarded-For (TEST-NET-3)
LONG_WAIT = 90  # seconds for a message to cross beat, broker, workers and SMTP on a busy machine
CELERY_QUEUES = ("calendar", "rooms", "notify", "accounts", "engagement")  # docker-compose.yml's workers' -Q


@pytest.fixture(autouse=True)
def clean_state():
    """Instead of the suite's per-test emptying: the shape's processes hold the databases and the
    broker across this module's tests. The module empties them once, before it starts."""
    yield


def _infrastructure() -> Infrastructure:
    return Infrastructure({name: infra.database_url(name) for name in infra.DATABASES}, infra.REDIS_URL)


@pytest.fixture(scope="module")
def shape(tmp_path_factory, smtp_sink):
    infra.truncate_all()
    infra.flush_redis()
    smtp_sink.handler.messages.clear()
    port = free_port()
    variables = local_variables(f":{port}", f"http://127.0.0.1:{port}", smtp_sink.port, LOG_FORMAT="json")
    running = Shape(tmp_path_factory.mktemp("production"), _infrastructure(), variables, web=2, threads=2)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def people(shape):
    """Lena (Lobeda) offers the "Großer Saal", Otto (AWO Nord) books it; made in the databases the
    way the suite's fixtures make them (the room's outbox message goes out with the beat's sweep)."""
    identity_engine = make_engine(infra.database_url("identity"), pool_size=1)
    rooms_engine = make_engine(infra.database_url("rooms"), pool_size=1)
    try:
        identity = IdentityStore(make_session_factory(identity_engine))
        identity.create_partner("mgh-lobeda", "Mehrgenerationenhaus Lobeda", "Lobeda", "Karl-Marx-Allee 28")
        identity.create_partner("awo-nord", "AWO Begegnungsstätte Nord", "Nord", "Dornburger Straße 24")
        made = {}
        for username, partner in (("lena", "mgh-lobeda"), ("otto", "awo-nord")):
            account = identity.create_account(
                username, username.title(), partner_slug=partner, email=f"{username}@example.org", password=PASSWORD
            )
            made[username] = {
                "partner_id": identity.principal(account).partner_id,
                "app_password": identity.create_app_password(username, "Kalender"),
            }
        with transaction(make_session_factory(rooms_engine)) as session:
            room = room_operations.create_room(
                session,
                made["lena"]["partner_id"],
                name="Großer Saal",
                district="Lobeda",
                address="Karl-Marx-Allee 28",
                capacity=60,
                step_free=True,
            )
        made["room"] = room.id
        return made
    finally:
        identity_engine.dispose()
        rooms_engine.dispose()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _login(base: str, username: str, session: requests.Session | None = None, **request) -> requests.Response:
    browser = session or requests.Session()
    page = browser.get(f"{base}/rooms/login", **request)
    return browser.post(
        f"{base}/rooms/login",
        data={"csrf_token": _csrf(page.text), "username": username, "password": PASSWORD},
        allow_redirects=False,
        **request,
    )


def _book(base: str, browser: requests.Session, room: int, day: date) -> requests.Response:
    """The room booked through its web form; the answer after the redirect to the booking."""
    form = browser.get(f"{base}/rooms/{room}")
    assert form.status_code == 200, form.status_code
    fields = {"date": day.isoformat(), "start": "15:00", "end": "16:00", "title": "Seniorencafé der AWO"}
    booked = browser.post(f"{base}/rooms/{room}", data={"csrf_token": _csrf(form.text), **fields})
    assert booked.status_code == 200 and "/rooms/bookings/" in booked.url, booked.text
    assert "bestätigt" in booked.text
    return booked


def _json_lines(shape: Shape, name: str) -> list[dict]:
    """A process's log lines (LOG_FORMAT=json) as objects; whether every line is one is
    tests/test_logs.py's question (Caddy's are not), here a line that is none is left out."""
    lines = []
    for written in shape.processes[name].log().splitlines():
        try:
            line = json.loads(written)
        except json.JSONDecodeError:
            continue
        if isinstance(line, dict):
            lines.append(line)
    return lines


def _access_lines(shape: Shape, service: str, request_id: str) -> list[dict]:
    """The web service's access log lines of the request Caddy gave `request_id`."""
    return [line for line in _json_lines(shape, service) if "method" in line and line.get("request_id") == request_id]


def _task_request_ids(shape: Shape, worker: str, task: str) -> set[str]:
    """The request ids a worker's lines name for a task (its "received" line, before the task
    runs, names none)."""
    return {
        line["request_id"] for line in _json_lines(shape, worker) if line.get("task") == task and "request_id" in line
    }


def _writers_of(shape: Shape, text: str) -> list[str]:
    """The processes whose output holds `text`."""
    return [name for name, process in shape.processes.items() if text in process.log()]


def _celery_keys(redis_url: str) -> list[str]:
    """What Celery's Redis transport keeps in a Redis database: a list per queue, its bindings,
    the unacknowledged messages."""
    keys = [key.decode() for key in redis.Redis.from_url(redis_url).scan_iter()]
    return [k for k in keys if k in CELERY_QUEUES or k.startswith(("_kombu.", "unacked"))]


# --- the running shape ---------------------------------------------------------------------------
def test_every_web_service_answers_its_health_check_through_caddy(shape):
    for service in shape.web_services():
        answer = requests.get(shape.url + shape.health_path(service), timeout=10)
        assert answer.status_code == 200, (service, answer.text)
        assert answer.json()["status"] == "ok"
        assert answer.json()["database"] == answer.json()["broker"] == "ok"


def test_a_booking_through_the_web_form_reaches_the_mail_the_room_feed_and_caldav(shape, people, smtp_sink):
    base, room = shape.url, people["room"]
    otto = requests.Session()
    logged_in = _login(base, "otto", otto)
    assert logged_in.status_code == 302 and logged_in.headers["Location"].endswith("/rooms/"), logged_in.text
    assert "Großer Saal" in otto.get(f"{base}/rooms/").text

    booked = _book(base, otto, room, date.today() + timedelta(days=9))
    # the id Caddy gave the POST ({http.request.uuid}) comes back on its answer, the redirect
    rid = booked.history[0].headers["X-Request-Id"]
    assert str(uuid.UUID(rid)) == rid

    # the confirmation: rooms' outbox -> notify's worker -> SMTP, with the invitation inside
    mail = wait_until(lambda: smtp_sink.messages, LONG_WAIT, "the confirmation email")[0]
    assert "otto@example.org" in mail["To"]
    (invitation,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    uid = str(icalendar.Calendar.from_ical(invitation.get_payload(decode=True)).walk("VEVENT")[0]["UID"])
    assert f"{base}/rooms/" in mail.get_body(("plain",)).get_content()  # links to where it came from

    # the calendar's worker put it into the room's feed (public) and its CalDAV collection; the
    # room itself reached the calendar before, through rooms' outbox and the beat's sweep
    def in_feed() -> bool:
        feed = requests.get(f"{base}/feeds/rooms/{room}.ics", timeout=10)
        return feed.status_code == 200 and f"UID:{uid}" in feed.text.replace("\r\n ", "")

    wait_until(in_feed, LONG_WAIT, "the booking in the room's iCal feed")
    client = caldav.DAVClient(url=f"{base}/dav/", username="lena", password=people["lena"]["app_password"])
    events = client.calendar(url=f"{base}/dav/rooms/{room}/").events()
    assert [str(e.icalendar_component["UID"]) for e in events] == [uid]

    # that one id in the POST's access line, in the tasks the booking's messages ran in calendar's
    # and notify's workers (through the outbox and Celery's headers), and in their receipts back
    (posted,) = _access_lines(shape, "rooms", rid)
    assert (posted["method"], posted["path"], posted["status"]) == ("POST", f"/rooms/{room}", 302)
    assert posted["route"] == "/rooms/<int:room_id>" and posted["service"] == "rooms"

    def carried() -> bool:
        return (
            _task_request_ids(shape, "worker-calendar", "calendar.booking_changed") == {rid}
            and _task_request_ids(shape, "worker-notify", "notify.booking_notice") == {rid}
            # (the room's message, which the beat's sweep may have sent first, under its own id,
            # brings a receipt too)
            and rid in _task_request_ids(shape, "worker-rooms", "rooms.outbox_receipt")
        )

    wait_until(carried, 30, "the booking's request id in the workers' lines")
    # none of them, nor Caddy, wrote down the address the confirmation went to
    assert not _writers_of(shape, "otto@example.org")
    assert _celery_keys(infra.REDIS_URL), "Celery's queues are in Redis (CELERY_BROKER_URL is not set)"

    # the whole shape, every pool warm, holds few of PostgreSQL's 100 connections (shared by all;
    # counted by the shape's application name, not the suite's prefix, which other tests' pools
    # in this worker share)
    with psycopg.connect(infra.database_url("identity").replace("+psycopg", "")) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
        held = conn.execute(query, (shape.application_name,)).fetchone()[0]
    print(f"\nthe production shape held {held} PostgreSQL connections")  # README's figure (pytest -s)
    assert 0 < held <= 40, f"{held} connections"


def test_the_services_log_the_address_caddy_saw_not_what_a_client_claims(shape):
    claimed_id = f"chosen-by-the-client-{uuid.uuid4().hex}"
    claims = {"X-Forwarded-For": SPOOFED, "X-Request-Id": claimed_id}
    answer = requests.get(f"{shape.url}/rooms/healthz", headers=claims, timeout=10)
    assert answer.status_code == 200
    # Caddy gives every request an id of its own: a client's never reaches a service (only
    # Caddy's own log, which records the request's headers as they came)
    rid = answer.headers["X-Request-Id"]
    assert rid != claimed_id
    (line,) = wait_until(lambda: _access_lines(shape, "rooms", rid), 10, "the access log line")
    assert line["client"] == "127.0.0.1" and SPOOFED not in json.dumps(line), line
    services = [p for name, p in shape.processes.items() if shape.kind(name) == "app"]
    assert not any(claimed_id in process.log() for process in services)


def test_failed_logins_count_against_the_address_caddy_saw(shape):
    """A guesser who claims a new X-Forwarded-For with every try is still counted as one address
    (TRUSTED_PROXIES=1 believes only Caddy's entry): after the address's limit the form says
    "wait" even for a name never tried before."""
    try:
        for n in range(ADDRESS_LIMIT):
            claimed = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
            tried = _login(shape.url, f"niemand{n}", headers=claimed)
            assert tried.status_code == 401, tried.status_code  # the form again, with its message
        refused = _login(shape.url, "noch-jemand", headers={"X-Forwarded-For": "198.51.100.1"})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    finally:  # the counters live in Redis: the next tests log in from 127.0.0.1 too
        broker = redis.Redis.from_url(infra.REDIS_URL)
        for key in broker.scan_iter("treffpunkt-login*"):
            broker.delete(key)


def test_requests_beyond_the_limits_are_refused_with_4xx(shape):
    url = f"{shape.url}/rooms/login"
    # Each a dozen times: a refusal that races the upload shows as an occasional 502 (Caddy once
    # passed bodies on until its limit struck, and gunicorn closed on the app's unread ones).
    # Over Caddy's request_body max_size (4 MB): Caddy refuses it by its Content-Length. Over the
    # app's MAX_CONTENT_LENGTH (2 MB) but under Caddy's: the app refuses it, having read it all.
    for size in (5, 3) * 12:
        refused = requests.post(url, data=b"x" * (size * 1024 * 1024), timeout=30)
        assert refused.status_code == 413, (size, refused.status_code)
    # a request line longer than gunicorn's limit_request_line, and more header fields than its
    # limit_request_fields: gunicorn answers 400 before any app code runs
    too_long = requests.get(f"{url}?q={'a' * 8000}", timeout=10)
    assert 400 <= too_long.status_code < 500, too_long.status_code
    many = {f"X-Extra-{n}": "1" for n in range(150)}
    assert 400 <= requests.get(url, headers=many, timeout=10).status_code < 500


def test_metrics_are_not_served_through_the_front_door(shape):
    for service in shape.web_services():
        prefix = shape.health_path(service).rsplit("/", 1)[0]
        for path in (f"{prefix}/metrics", f"{prefix}/metrics/", f"{prefix}/metrics/{uuid.uuid4().hex}"):
            answer = requests.get(shape.url + path, timeout=10)
            assert answer.status_code == 404, (path, answer.status_code)
            assert "Content-Security-Policy" not in answer.headers  # Caddy's answer, not an app's
            assert "X-Request-Id" not in answer.headers  # (the apps send it back)
        reached = [
            line for line in _json_lines(shape, service) if str(line.get("path")).startswith(f"{prefix}/metrics")
        ]
        assert not reached, f"{prefix}/metrics reached the app: {reached}"


def test_every_process_stops_cleanly_within_its_grace_period(shape, tmp_path):
    processes = shape.stop()
    for name, process in processes.items():
        assert process.exit_code is not None, f"{name} did not stop in {process.grace:g}s:\n{process.log()[-3000:]}"
        assert not process.leftovers(), f"{name} left processes behind"
        if process.argv[0] != "caddy":  # gunicorn, the Celery workers, the beat, migrate
            assert process.exit_code == 0, f"{name} exited {process.exit_code}:\n{process.log()[-3000:]}"
    RAN.append("native production shape: " + ", ".join(processes))
    # where a Docker engine answers, the image is built and the compose stack started as well;
    # the run's summary says which part ran (tests/conftest.py)
    reason = docker_engine()
    if reason is None:
        _compose_stack_answers(tmp_path)
        RAN.append("compose stack under Docker: built, started, every /healthz answered")
    else:
        RAN.append(f"compose stack under Docker: not run ({reason})")


def _compose_stack_answers(tmp_path) -> None:
    """The image is built and the compose stack answers through its proxy."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"SECRET_KEY={secrets.token_urlsafe(48)}\nPOSTGRES_PASSWORD={secrets.token_hex(12)}\n")
    compose = ["docker", "compose", "-p", f"treffpunkt-test-{uuid.uuid4().hex[:8]}", "--env-file", str(env_file)]
    try:
        subprocess.run([*compose, "up", "-d", "--build", "--wait"], cwd=ROOT, check=True, timeout=1800)
        for path in (
            "/calendar/healthz",
            "/rooms/healthz",
            "/notify/healthz",
            "/account/healthz",
            "/engagement/healthz",
        ):
            assert requests.get(f"http://127.0.0.1:8080{path}", timeout=10).status_code == 200, path
    finally:
        subprocess.run([*compose, "down", "-v"], cwd=ROOT, timeout=300)


# --- HTTPS ---------------------------------------------------------------------------------------
def test_https_redirects_marks_cookies_secure_and_sends_hsts(tmp_path_factory, people, smtp_sink):
    """SITE_ADDRESS as a host name, PUBLIC_URL=https://…: the README's HTTPS set-up. No ACME
    server is reachable here, so the name is localhost, for which Caddy issues the certificate
    from its own CA (in its data folder, trusted by nobody but this test)."""
    https, http = free_port(), free_port()
    variables = local_variables(f"localhost:{https}", f"https://localhost:{https}", smtp_sink.port)
    folder = tmp_path_factory.mktemp("https")
    served = Shape(
        folder,
        _infrastructure(),
        variables,
        only=("proxy",),
        web=1,
        threads=1,
        caddy_env={"CADDY_HTTP_PORT": str(http)},
    )
    with served:
        root_ca = folder / "var" / "proxy" / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        base = f"https://localhost:{https}"
        page = wait_until(lambda: _get_tls(f"{base}/rooms/login", root_ca), 30, "the HTTPS site")
        assert page.status_code == 200
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")

        moved = requests.get(f"http://localhost:{http}/rooms/login?next=x", allow_redirects=False, timeout=10)
        assert moved.status_code in (301, 308) and moved.headers["Location"] == f"{base}/rooms/login?next=x"

        browser = requests.Session()
        browser.verify, browser.trust_env = str(root_ca), False  # else REQUESTS_CA_BUNDLE wins
        # the app sees https (Caddy's X-Forwarded-Proto): a form sent without a Referer of this
        # site is refused, as Flask-WTF does on HTTPS
        token = _csrf(browser.get(f"{base}/rooms/login").text)
        form = {"csrf_token": token, "username": "otto", "password": PASSWORD}
        assert browser.post(f"{base}/rooms/login", data=form, allow_redirects=False).status_code == 400
        logged_in = browser.post(
            f"{base}/rooms/login", data=form, headers={"Referer": f"{base}/rooms/login"}, allow_redirects=False
        )
        assert logged_in.status_code == 302, logged_in.text
        cookies = logged_in.raw.headers.getlist("Set-Cookie")
        session_cookie = [c for c in cookies if c.startswith("treffpunkt_session=")]
        assert session_cookie and all("Secure" in c.split("; ") for c in cookies), cookies
        assert "HttpOnly" in session_cookie[0].split("; ")
        assert "Otto" in browser.get(f"{base}/rooms/").text
    for name, process in served.processes.items():
        assert process.exit_code is not None and not process.leftovers(), name


def _get_tls(url: str, root_ca: Path) -> requests.Response | None:
    """The answer once Caddy has made its CA and the site's certificate (None until then)."""
    if not root_ca.exists():
        return None
    try:
        return requests.get(url, verify=str(root_ca), timeout=10)
    except requests.exceptions.SSLError:
        time.sleep(0.2)
        return None


# --- RabbitMQ ------------------------------------------------------------------------------------
def test_with_celery_broker_url_a_booking_travels_through_rabbitmq(tmp_path_factory, shape, people, smtp_sink):
    """CELERY_BROKER_URL in .env names RabbitMQ: a booking's messages go through it, in a virtual
    host of this test's own (deleted afterwards with whatever Celery declared and left there);
    Redis, still REDIS_URL for the login throttle and the sending rates, gets none of Celery's
    keys. A smaller shape: the web services, rooms' and notify's workers, Caddy."""
    shape.stop()  # the main shape's workers have Redis as their broker
    infra.flush_redis()
    smtp_sink.handler.messages.clear()
    port = free_port()
    with rabbitmq.virtual_host(infra.PREFIX) as amqp_url:
        variables = local_variables(f":{port}", f"http://127.0.0.1:{port}", smtp_sink.port, CELERY_BROKER_URL=amqp_url)
        only = ("proxy", "worker-rooms", "worker-notify")
        served = Shape(tmp_path_factory.mktemp("rabbitmq"), _infrastructure(), variables, only=only, web=1, threads=1)
        with served:
            health = requests.get(f"{served.url}/rooms/healthz", timeout=10)
            assert health.status_code == 200 and health.json()["broker"] == "ok", health.text
            otto = requests.Session()
            assert _login(served.url, "otto", otto).status_code == 302
            _book(served.url, otto, people["room"], date.today() + timedelta(days=10))
            mail = wait_until(lambda: smtp_sink.messages, LONG_WAIT, "the confirmation email")[0]
            assert "otto@example.org" in mail["To"]
            # notify's receipt came back to rooms' worker; the calendar's message waits for a
            # calendar worker this shape does not run
            receipt = re.compile(r"Task rooms\.outbox_receipt\[[^]]+\] succeeded")
            wait_until(lambda: receipt.search(served.processes["worker-rooms"].log()), 30, "notify's receipt")

            # notify's worker acknowledges its message after the task, so after the receipt may
            # have gone: its queue empties a moment later (under load, not at once)
            def drained() -> dict[str, int] | None:
                held = rabbitmq.queues(infra.PREFIX)
                return held if held.get("calendar", 0) >= 1 and held.get("notify") == 0 else None

            wait_until(drained, 30, "notify's queue empty, the calendar's message waiting")
            assert not _writers_of(served, "otto@example.org")
    assert not _celery_keys(infra.REDIS_URL)
    for name, process in served.processes.items():
        assert process.exit_code is not None and not process.leftovers(), name
