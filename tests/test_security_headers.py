"""Issue 9, finding 9: cookies, headers, logs and the proxy.

Cookies are Secure when PUBLIC_URL is https (with HSTS); no page can be framed by another site
and nothing is sniffed; pages under a signed link (the one-click cancel link, the notification
settings link) send no Referer onwards and are not cached, and no access log (gunicorn, Caddy,
werkzeug in make run) keeps their tokens; Caddy serves HTTPS for a host name; gunicorn bounds
what a request may send; the databases bound every statement."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

from shared import signed_links

from services import notify, rooms

from tests.support.live import LiveServer
from tests.support.login import login

ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = ROOT / "deploy" / "Caddyfile"
PAGES = ("/rooms/", "/calendar/", "/calendar/subscribe", "/calendar/app-passwords/", "/notify/", "/api/rooms/docs")


def _secure(settings):
    return replace(settings, public_url="https://treffpunkt.example.org")


# --- headers ----------------------------------------------------------------------------------
def test_no_page_can_be_framed_or_sniffed(frontdoor, people):
    from werkzeug.test import Client

    client = Client(frontdoor)
    for path in ("/rooms/login", "/calendar/", "/notify/login", "/feeds/network.ics", "/rooms/nirgends"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert "Strict-Transport-Security" not in headers  # PUBLIC_URL is http here


def test_cookies_are_secure_and_hsts_is_sent_when_the_public_url_is_https(settings, people):
    app = rooms.create_app({"SETTINGS": _secure(settings)})
    client = app.test_client()
    form = client.get("/rooms/login")  # the CSRF token lives in the session cookie
    assert "Secure" in form.headers["Set-Cookie"]
    assert form.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in login(client, "lena").headers["Set-Cookie"]
    language = app.test_client().get("/rooms/language/en")
    assert "treffpunkt_language=en" in language.headers["Set-Cookie"] and "Secure" in language.headers["Set-Cookie"]


def test_cookies_are_not_secure_over_plain_http(rooms_app, people):
    assert "Secure" not in login(rooms_app.test_client(), "lena").headers["Set-Cookie"]


def _cancel_path(rooms_app, lobeda_room, people) -> str:
    """A real reminder link: otto books lena's room through the API; the link rooms sends along."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from services.rooms.db.models import OutboxMessage

    from tests.support.rooms import basic

    start = (datetime.now(ZoneInfo("Europe/Berlin")) + timedelta(days=9)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    booked = rooms_app.test_client().post(
        "/api/rooms/bookings",
        headers=basic("otto", people["otto"]["app_password"]),
        json={
            "room_id": lobeda_room,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "title": "Chor",
        },
    )
    assert booked.status_code == 201, booked.get_data(as_text=True)
    with rooms_app.extensions["db"]() as s:
        payloads = s.scalars(select(OutboxMessage.payload).where(OutboxMessage.task_name == "notify.booking_notice"))
        url = next(
            o["cancel_url"] for p in payloads for o in json.loads(p).get("occurrences", []) if o.get("cancel_url")
        )
    return "/" + url.split("/", 3)[3]


def test_the_cancel_link_page_sends_no_referrer_and_is_not_cached(rooms_app, lobeda_room, people):
    path = _cancel_path(rooms_app, lobeda_room, people)
    assert path.startswith(signed_links.PREFIXES)
    client = rooms_app.test_client()
    for response in (client.get(path), client.post(path, data={})):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get(path).status_code == 200


def test_the_notification_settings_link_sends_no_referrer_and_is_not_cached(notify_app, settings, people):
    from services.notify import preferences

    token = preferences.token_for(settings.secret_key, people["lena"]["id"])
    response = notify_app.test_client().get(f"/notify/preferences/{token}")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"


def test_the_pages_work_under_their_content_security_policy(browser, frontdoor, lobeda_room, people):
    """Chromium reports every blocked style, script or frame on the console: none may be."""
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="de-DE")
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{live.url}/rooms/login")
        page.get_by_label("Benutzername").fill("lena")
        page.get_by_label("Passwort").fill(people["lena"]["password"])
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live.url}/rooms/")
        for path in (*PAGES, f"/rooms/{lobeda_room}", "/rooms/bookings", "/notify/preferences"):
            assert page.goto(f"{live.url}{path}").status == 200, path
            assert page.url == f"{live.url}{path}", path  # logged in: no detour to the login form
            assert page.evaluate("getComputedStyle(document.body).fontFamily")  # the stylesheet loaded
        page.goto(f"{live.url}/calendar/app-passwords/")  # beside the devices, not in every page's header
        page.get_by_role("button", name="Überall abmelden").click()
        assert page.get_by_role("status").inner_text().startswith("Sie sind jetzt überall abgemeldet")
        page.close()
    assert refused == []


# --- logs -------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_logs_no_signed_link_token_and_bounds_requests(settings, tmp_path):
    port, token, other = _free_port(), "eyJhbGciOi.SECRET-CANCEL-TOKEN", "SECRET-SETTINGS-TOKEN"
    env = {**os.environ, **settings.to_env(), "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "services.rooms:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/rooms/healthz", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        requests.get(
            f"{base}/rooms/cancel/{token}?from=mail",
            timeout=10,
            headers={"Referer": f"https://mail.example.org/notify/preferences/{other}"},
        )
        too_long = requests.get(f"{base}/rooms/?q={'x' * 5000}", timeout=10)
        assert too_long.status_code == 414  # limit_request_line
        too_many = requests.get(f"{base}/rooms/", headers={f"X-H{n}": "1" for n in range(120)}, timeout=10)
        assert too_many.status_code == 431  # limit_request_fields
    finally:
        server.terminate()
        server.wait(timeout=30)
    written = log.read_text()
    assert "/rooms/cancel/[redacted] HTTP" in written and "/notify/preferences/[redacted]" in written
    assert "SECRET-CANCEL-TOKEN" not in written and "SECRET-SETTINGS-TOKEN" not in written
    assert "from=mail" not in written  # no query strings: a search may be a name or an address


def test_make_run_request_log_keeps_no_signed_link_token(settings, caplog):
    from services.frontdoor import create_frontdoor

    with caplog.at_level(logging.INFO, logger="werkzeug"), LiveServer(create_frontdoor(settings)) as live:
        requests.get(f"{live.url}/rooms/cancel/SECRET-CANCEL-TOKEN", timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/rooms/cancel/[redacted]" in line for line in lines), lines
    assert not any("SECRET" in line for line in lines)


def test_the_services_own_error_log_keeps_no_signed_link_token(rooms_app, caplog):
    with caplog.at_level(logging.ERROR, logger=rooms_app.logger.name):
        rooms_app.logger.error("Exception on /rooms/cancel/SECRET-CANCEL-TOKEN [GET]")
    assert caplog.records[-1].getMessage() == "Exception on /rooms/cancel/[redacted] [GET]"


# --- the proxy --------------------------------------------------------------------------------
def _caddy_redactions() -> list[tuple[str, str, str]]:
    """(field, pattern, replacement) of each regexp filter in the Caddyfile's log format."""
    found = re.findall(r'^\s*(request>\S+) regexp "([^"]+)" "([^"]+)"', CADDYFILE.read_text(), re.M)
    assert found, "no regexp filter in the Caddyfile's log"
    return found


def test_caddy_log_filter_knows_every_signed_link_prefix():
    for field, pattern, replacement in _caddy_redactions():
        alternation = re.search(r"\(([^)]*)\)", pattern).group(1).split("|")
        assert sorted(alternation) == sorted(signed_links.PREFIXES), field
        python_replacement = replacement.replace("${1}", r"\1")
        for prefix in signed_links.PREFIXES:
            uri = f"{prefix}SECRET.sig?x=1"
            assert re.sub(pattern, python_replacement, uri) == f"{prefix}[redacted]?x=1"
        assert re.sub(pattern, python_replacement, "/rooms/bookings") == "/rooms/bookings"


def _caddy(*args: str, site: str, home: Path) -> subprocess.CompletedProcess:
    binary = shutil.which("caddy")
    if binary is None:
        pytest.fail("caddy is not installed: `apt-get install caddy` (.ci/system-packages does this as root)")
    return subprocess.run(
        [binary, *args, "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env={"PATH": os.environ["PATH"], "HOME": str(home), "SITE_ADDRESS": site},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_caddy_serves_plain_http_locally_and_https_for_a_host_name(tmp_path):
    assert "auto_https" not in CADDYFILE.read_text()
    for site, listen in ((":8080", [":8080"]), ("treffpunkt.example.org", [":443"])):
        adapted = _caddy("adapt", site=site, home=tmp_path)
        assert adapted.returncode == 0, adapted.stderr
        servers = json.loads(adapted.stdout)["apps"]["http"]["servers"]
        assert [s["listen"] for s in servers.values()] == [listen], servers
        assert all(s["read_header_timeout"] and s["idle_timeout"] for s in servers.values())
    assert _caddy("validate", site="treffpunkt.example.org", home=tmp_path).returncode == 0


# --- databases --------------------------------------------------------------------------------
def test_every_statement_of_a_service_is_bounded(rooms_app, settings):
    with rooms_app.extensions["db_engine"].connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "30s"
    with rooms_app.extensions["identity"].engine.connect() as conn:
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "30s"


def test_sqlite_waits_for_its_write_lock(settings, tmp_path):
    local = replace(
        settings,
        **{
            f"{n}_database_url": f"sqlite:///{tmp_path}/{n}.db"
            for n in ("identity", "calendar", "rooms", "notify", "engagement")
        },
    )
    app = notify.create_app({"SETTINGS": local})
    with app.extensions["db_engine"].connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
