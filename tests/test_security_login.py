"""Issue 9, findings 7 and 8: which credentials open what, and guessing them.

App passwords open CalDAV, the feeds and the JSON API only; the web pages (forms, the app-password
page, notify) take only the login session, and a session opens no CalDAV or API. Failed logins are
throttled per account and per client address, for the form and HTTP Basic alike, in all services
and processes at once (Redis), with 429 and Retry-After; a known and an unknown user name cost the
same password hash."""

from __future__ import annotations

import base64
import re
from dataclasses import replace

import pytest
from argon2 import PasswordHasher, profiles

from shared.identity import store as identity_store
from shared.identity.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT

from services import calendar, rooms

from tests.support.login import PASSWORD, login

PAGES = ("/rooms/", "/rooms/bookings", "/rooms/mine", "/calendar/app-passwords/", "/notify/", "/notify/preferences")
PROPFIND = b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>'


def basic(username: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


def _csrf(html: str) -> str | None:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else None


def _try_login(client, username: str, password: str, service: str = "rooms", **kwargs):
    token = _csrf(client.get(f"/{service}/login").get_data(as_text=True))
    return client.post(
        f"/{service}/login", data={"csrf_token": token, "username": username, "password": password}, **kwargs
    )


def _dav(client, username: str, secret: str, path: str | None = None):
    return client.open(
        path or f"/dav/principals/{username}/",
        method="PROPFIND",
        data=PROPFIND,
        headers={**basic(username, secret), "Depth": "0"},
    )


# --- finding 7: app passwords are for programs only ----------------------------------------------
@pytest.mark.parametrize("page", PAGES)
def test_an_app_password_opens_no_web_page(frontdoor, people, page):
    from werkzeug.test import Client

    response = Client(frontdoor).get(page, headers=basic("lena", people["lena"]["app_password"]))
    assert response.status_code == 302 and "/login" in response.headers["Location"], (page, response.status_code)


def test_an_app_password_cannot_make_another_one(calendar_app, identity, people):
    client = calendar_app.test_client()
    auth = basic("lena", people["lena"]["app_password"])
    page = client.get("/calendar/app-passwords/", headers=auth)
    token = _csrf(page.get_data(as_text=True)) or ""
    client.post("/calendar/app-passwords/", headers=auth, data={"csrf_token": token, "label": "Hintertür"})
    assert [p["label"] for p in identity.app_passwords(people["lena"]["id"])] == ["test"]


def test_an_app_password_still_opens_caldav_discovery_and_the_api(frontdoor, people):
    from werkzeug.test import Client

    client, secret = Client(frontdoor), people["lena"]["app_password"]
    assert _dav(client, "lena", secret).status_code == 207
    assert _dav(client, "lena", secret, "/.well-known/caldav").status_code == 207
    assert client.get("/api/rooms/rooms", headers=basic("lena", secret)).status_code == 200


def test_a_web_session_opens_neither_caldav_nor_the_api(calendar_app, rooms_app, people):
    for app, service in ((calendar_app, "calendar"), (rooms_app, "rooms")):
        client = app.test_client()
        login(client, "lena", service=service)
        assert client.get(f"/{service}/").status_code == 200
        dav = client.open("/dav/principals/lena/", method="PROPFIND", data=PROPFIND, headers={"Depth": "0"})
        api = client.get("/api/rooms/rooms")
        assert (dav.status_code if service == "calendar" else api.status_code) == 401, service


# --- finding 8: guessing is throttled -------------------------------------------------------------
def _fail_web(client, username: str, times: int, service: str = "rooms", **kwargs):
    for n in range(times):
        response = _try_login(client, username, f"geraten-{n}", service, **kwargs)
        assert response.status_code == 401, (n, response.status_code)


def test_failed_web_logins_lock_the_account_for_a_while(rooms_app, people):
    client = rooms_app.test_client()
    _fail_web(client, "lena", ACCOUNT_LIMIT)
    locked = _try_login(client, "lena", PASSWORD)  # even the right password: guessing must not go on
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "Zu viele fehlgeschlagene Anmeldungen" in locked.get_data(as_text=True)
    english = _try_login(client, "lena", PASSWORD, headers={"Accept-Language": "en"})
    assert english.status_code == 429 and "Too many failed log-ins" in english.get_data(as_text=True)
    # another account from the same address still gets in
    assert _try_login(rooms_app.test_client(), "otto", PASSWORD).status_code == 302


def test_the_lock_holds_in_every_service_and_every_process(settings, rooms_app, calendar_app, people):
    _fail_web(rooms_app.test_client(), "lena", ACCOUNT_LIMIT - 1)
    _fail_web(calendar_app.test_client(), "lena", 1, service="calendar")
    another_process = calendar.create_app({"SETTINGS": settings})
    assert _try_login(another_process.test_client(), "lena", PASSWORD, "calendar").status_code == 429


def test_unknown_names_are_locked_alike(rooms_app, people):
    client = rooms_app.test_client()
    _fail_web(client, "niemand", ACCOUNT_LIMIT)
    assert _try_login(client, "niemand", "egal").status_code == 429


def test_many_names_from_one_address_lock_that_address_only(rooms_app, people):
    names = [f"name-{n}" for n in range(ADDRESS_LIMIT)]
    for name in names:
        _fail_web(rooms_app.test_client(), name, 1)
    assert _try_login(rooms_app.test_client(), "otto", PASSWORD).status_code == 429
    elsewhere = rooms_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert _try_login(elsewhere, "otto", PASSWORD).status_code == 302


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(settings, people):
    direct = rooms.create_app({"SETTINGS": settings})  # TRUSTED_PROXIES=0: X-Forwarded-For is the client's claim
    for n in range(ADDRESS_LIMIT):
        _fail_web(direct.test_client(), f"name-{n}", 1, headers={"X-Forwarded-For": f"198.51.100.{n}"})
    assert (
        _try_login(direct.test_client(), "otto", PASSWORD, headers={"X-Forwarded-For": "198.51.100.200"}).status_code
        == 429
    )

    behind_proxy = rooms.create_app({"SETTINGS": replace(settings, trusted_proxies=1)})
    proxied = behind_proxy.test_client()
    proxied.environ_base["REMOTE_ADDR"] = "10.0.0.2"  # the proxy's own address
    for n in range(ADDRESS_LIMIT):
        _fail_web(proxied, f"other-{n}", 1, headers={"X-Forwarded-For": "203.0.113.5"})
    assert _try_login(proxied, "otto", PASSWORD, headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert _try_login(proxied, "otto", PASSWORD, headers={"X-Forwarded-For": "203.0.113.6"}).status_code == 302


def test_failed_basic_logins_are_throttled_for_caldav_and_the_api(frontdoor, people):
    from werkzeug.test import Client

    client = Client(frontdoor)
    for n in range(ACCOUNT_LIMIT):
        target = (
            _dav(client, "lena", f"geraten-{n}")
            if n % 2
            else client.get("/api/rooms/rooms", headers=basic("lena", f"geraten-{n}"))
        )
        assert target.status_code == 401, n
    for locked in (
        _dav(client, "lena", people["lena"]["app_password"]),
        client.get("/api/rooms/rooms", headers=basic("lena", people["lena"]["app_password"])),
    ):
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    # the form counts the same failures: one account, one counter
    assert _try_login(Client(frontdoor), "lena", PASSWORD).status_code == 429


def test_a_calendar_program_that_is_already_in_keeps_working_during_a_lock(calendar_app, people):
    """Its remembered check needs no hash, so it is no guess: an attack on the name must not
    cut the owner's own devices off."""
    phone = calendar_app.test_client()
    assert _dav(phone, "lena", people["lena"]["app_password"]).status_code == 207
    attacker = calendar_app.test_client()
    for n in range(ACCOUNT_LIMIT + 3):
        _dav(attacker, "lena", f"geraten-{n}")
    assert _dav(attacker, "lena", "noch-einer").status_code == 429
    assert _dav(phone, "lena", people["lena"]["app_password"]).status_code == 207


def test_the_lock_lives_in_the_process_when_there_is_no_redis(settings, people):
    """make run without REDIS_URL: one process, so one in-process counter for the three apps."""
    local = replace(settings, broker_url="")
    first, second = rooms.create_app({"SETTINGS": local}), calendar.create_app({"SETTINGS": local})
    _fail_web(first.test_client(), "kora", ACCOUNT_LIMIT)
    assert _try_login(second.test_client(), "kora", PASSWORD, "calendar").status_code == 429


class _CountingHasher(PasswordHasher):
    verified = 0

    def verify(self, hash, password):  # noqa: A002 (argon2's own parameter name)
        _CountingHasher.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def counting_hasher():
    hasher = _CountingHasher.from_parameters(profiles.CHEAPEST)
    identity_store.use_hasher(hasher)
    _CountingHasher.verified = 0
    yield _CountingHasher
    identity_store.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.mark.parametrize("username", ["lena", "niemand"])
def test_a_known_and_an_unknown_name_cost_the_same_hash(rooms_app, calendar_app, people, counting_hasher, username):
    """Response time must not tell whether a name exists: an unknown one (or a closed account)
    is checked against a stand-in hash, as long as a real one."""
    assert _try_login(rooms_app.test_client(), username, "falsch").status_code == 401
    assert counting_hasher.verified == 1
    counting_hasher.verified = 0
    assert _dav(calendar_app.test_client(), username, "falsch").status_code == 401
    assert counting_hasher.verified == 1


def test_a_successful_login_forgives_earlier_typing_mistakes(rooms_app, people):
    client = rooms_app.test_client()
    _fail_web(client, "lena", ACCOUNT_LIMIT - 1)
    assert _try_login(rooms_app.test_client(), "lena", PASSWORD).status_code == 302
    _fail_web(client, "lena", ACCOUNT_LIMIT - 1)
    assert _try_login(rooms_app.test_client(), "lena", PASSWORD).status_code == 302
