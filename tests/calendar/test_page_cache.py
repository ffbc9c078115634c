"""Public pages kept for visitors without a login (public/page_cache.py) and the snapshot they
are kept under (public/snapshot.py): answered before Flask, never to a logged-in reader, in
the reader's language, and not a moment past a change made here (or a second past one made in
another process)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from shared.db import transaction

from services.calendar.public import page_cache, snapshot
from services.calendar.store.sql import SqlStore

from tests.support.calendar import weekly_event
from tests.support.login import login


@pytest.fixture
def flask_passes(calendar_app):
    """How many requests reached Flask's own handling (the page cache answers before it)."""
    passes = []
    calendar_app.before_request_funcs.setdefault(None, []).append(lambda: passes.append(1) and None)
    yield passes
    calendar_app.before_request_funcs[None].pop()


@pytest.fixture
def lobeda(people, store):
    with store() as s:
        found = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        s.put(found.id, "cafe.ics", weekly_event("cafe", "Seniorencafé", ("Begegnung",), "Senioren", "", "PUBLIC"))
    return found


def test_a_second_visitor_gets_the_kept_page_without_flask(calendar_app, lobeda, flask_passes):
    client = calendar_app.test_client()
    first = client.get("/calendar/")
    second = client.get("/calendar/")
    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert len(flask_passes) == 1


def test_a_kept_page_answers_if_none_match_with_304(calendar_app, lobeda, flask_passes):
    client = calendar_app.test_client()
    tag = client.get("/calendar/").headers["ETag"]
    again = client.get("/calendar/", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == tag
    assert len(flask_passes) == 1


def test_a_change_made_here_shows_at_once(calendar_app, lobeda, store):
    client = calendar_app.test_client()
    assert "Spieleabend" not in client.get("/calendar/").get_data(as_text=True)
    with store() as s:
        s.put(lobeda.id, "spiele.ics", weekly_event("spiele", "Spieleabend", ("Begegnung",), "Alle", "", "PUBLIC"))
    assert "Spieleabend" in client.get("/calendar/").get_data(as_text=True)


def test_a_change_made_elsewhere_shows_once_the_snapshot_is_old(calendar_app, lobeda, monkeypatch):
    """Another process (a CalDAV write in another worker) commits through its own engine: the
    pages follow within STATE_SECONDS."""
    client = calendar_app.test_client()
    assert "Spieleabend" not in client.get("/calendar/").get_data(as_text=True)
    elsewhere = sessionmaker(bind=calendar_app.extensions["db"].kw["bind"])
    with transaction(elsewhere) as session:
        SqlStore(session).put(
            lobeda.id, "spiele.ics", weekly_event("spiele", "Spieleabend", ("Begegnung",), "Alle", "", "PUBLIC")
        )
    assert "Spieleabend" not in client.get("/calendar/").get_data(as_text=True)  # within the second
    monkeypatch.setattr(snapshot, "STATE_SECONDS", 0.0)
    assert "Spieleabend" in client.get("/calendar/").get_data(as_text=True)


def test_a_logged_in_reader_never_gets_the_kept_page(calendar_app, lobeda, flask_passes):
    anonymous = calendar_app.test_client()
    kept = anonymous.get("/calendar/").get_data(as_text=True)
    assert "Lena" not in kept
    staff = calendar_app.test_client()
    login(staff, "lena", service="calendar")
    mine = staff.get("/calendar/").get_data(as_text=True)
    assert "Lena" in mine and "Abmelden" in mine
    assert "Lena" not in anonymous.get("/calendar/").get_data(as_text=True)  # nor the other way round


def test_each_language_is_kept_apart(calendar_app, lobeda):
    client = calendar_app.test_client()
    german = client.get("/calendar/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    english = client.get("/calendar/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    chosen = calendar_app.test_client()
    chosen.set_cookie("treffpunkt_language", "en")
    by_cookie = chosen.get("/calendar/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert 'lang="de"' in german and 'lang="en"' in english and 'lang="en"' in by_cookie
    assert client.get("/calendar/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True) == german


def test_refusals_and_other_requests_are_not_kept(calendar_app, lobeda, flask_passes):
    client = calendar_app.test_client()
    for _ in range(2):
        assert client.get("/calendar/?district=Mond").status_code == 400
        assert client.head("/calendar/").status_code == 200
    assert len(flask_passes) == 4


def test_a_page_that_sets_a_cookie_is_not_kept():
    """A page marked as shareable that still sets a cookie (a session started on the way) is
    answered but never kept: the next visitor would get the cookie too."""
    calls = []

    def inner(environ, start_response):
        calls.append(1)
        environ[page_cache.MARK] = "made under"
        start_response("200 OK", [("Content-Type", "text/html"), ("Set-Cookie", "session=abc")])
        return [b"page"]

    cache = page_cache.PageCache(inner, app=None)  # type: ignore[arg-type]  # never asked: nothing is kept
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/calendar/", "wsgi.url_scheme": "http"}
    for _ in range(2):
        assert list(cache(dict(environ), lambda status, headers, exc_info=None: None)) == [b"page"]
    assert len(calls) == 2


@pytest.mark.parametrize(
    "extra, qualifies",
    [
        ({}, True),
        ({"HTTP_COOKIE": "treffpunkt_language=en"}, True),
        ({"HTTP_COOKIE": "session=abc"}, False),
        ({"HTTP_COOKIE": "treffpunkt_language=en; session=abc"}, False),
        ({"HTTP_AUTHORIZATION": "Basic bGVuYTp4"}, False),
        ({"REQUEST_METHOD": "POST"}, False),
    ],
)
def test_only_requests_without_credentials_qualify(extra, qualifies):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/calendar/", **extra}
    assert (page_cache.visitor_key(environ) is not None) is qualifies
