"""Issue 9, finding 6: a web session can be ended. Logging out ends it on the server, so a copy
of the cookie (another browser, a stolen one) is worthless afterwards; "log out everywhere", a
new password and closing the account end all of the account's sessions; a session also ends
after a while without use and after a working day at most."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from werkzeug.http import parse_date

from shared.clock import utcnow

from services.cli import main

from tests.support.login import login

COOKIE = "treffpunkt_session"


def _cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def _with_cookie(app, value: str):
    """Another browser holding a copy of the same cookie."""
    client = app.test_client()
    client.set_cookie(COOKIE, value)
    return client


def _logged_in(client) -> bool:
    response = client.get("/rooms/bookings")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def _log_out(client, **extra):
    page = client.get("/rooms/bookings").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/rooms/logout", data={"csrf_token": token, **extra})


@pytest.fixture
def treffpunkt(settings, monkeypatch):
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_logging_out_ends_the_session_for_every_copy_of_the_cookie(rooms_app, people):
    browser = rooms_app.test_client()
    login(browser, "lena")
    copy = _with_cookie(rooms_app, _cookie(browser))
    assert _logged_in(copy)
    assert _log_out(browser).status_code == 302
    assert not _logged_in(browser)
    assert not _logged_in(copy)


def test_logging_out_ends_only_that_session(rooms_app, people):
    office, home = rooms_app.test_client(), rooms_app.test_client()
    login(office, "lena")
    login(home, "lena")
    _log_out(office)
    assert _logged_in(home)


def test_log_out_everywhere_ends_every_session_of_the_account_and_no_other(rooms_app, people):
    office, home, otto = rooms_app.test_client(), rooms_app.test_client(), rooms_app.test_client()
    login(office, "lena")
    login(home, "lena")
    login(otto, "otto")
    assert _log_out(office, everywhere="1").status_code == 302
    assert not _logged_in(home)
    assert _logged_in(otto)


def test_a_new_password_from_the_shell_ends_every_session(rooms_app, people, treffpunkt):
    browser = rooms_app.test_client()
    login(browser, "lena")
    assert treffpunkt("account", "password", "lena", "--password", "ein-neues-langes-wort").exit_code == 0
    assert not _logged_in(browser)
    login(browser, "lena", "ein-neues-langes-wort")
    assert _logged_in(browser)


def test_a_closed_account_stays_logged_out_when_it_is_opened_again(rooms_app, people, treffpunkt):
    browser = rooms_app.test_client()
    login(browser, "otto")
    assert treffpunkt("account", "deactivate", "otto").exit_code == 0
    assert not _logged_in(browser)
    assert treffpunkt("account", "activate", "otto").exit_code == 0
    assert not _logged_in(browser)  # the old cookie does not come back to life


def test_a_session_left_unused_for_too_long_ends(rooms_app, people, settings):
    browser = rooms_app.test_client()
    login(browser, "lena")
    idle = timedelta(minutes=settings.session_idle_minutes)
    _age_sessions(rooms_app, seen=idle - timedelta(minutes=5))
    assert _logged_in(browser)  # used just now again: the idle clock starts over
    _age_sessions(rooms_app, seen=idle + timedelta(minutes=1))
    assert not _logged_in(browser)


def test_a_session_ends_after_its_maximum_age_however_busy(rooms_app, people, settings):
    browser = rooms_app.test_client()
    login(browser, "lena")
    _age_sessions(rooms_app, seen=timedelta(0), created=timedelta(hours=settings.session_max_hours, minutes=1))
    assert not _logged_in(browser)


def test_the_cookie_lives_no_longer_than_the_session_may(rooms_app, people, settings):
    browser = rooms_app.test_client()
    response = login(browser, "lena")
    cookie = response.headers["Set-Cookie"]
    expires = parse_date(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert expires <= utcnow() + timedelta(hours=settings.session_max_hours, minutes=1)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _age_sessions(app, *, seen: timedelta, created: timedelta | None = None) -> None:
    """Move the stored sessions' clocks back, as if time had passed (the database's rows, not
    a fake clock: the app reads exactly these)."""
    engine = app.extensions["identity"].engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE web_sessions SET seen_at = :seen"), {"seen": utcnow() - seen})
        if created is not None:
            conn.execute(text("UPDATE web_sessions SET created_at = :created"), {"created": utcnow() - created})


def test_the_sessions_revision_goes_down_and_up_on_sqlite(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from shared.identity import MIGRATIONS
    from shared.migrate import alembic_config, upgrade

    url = f"sqlite:///{tmp_path}/identity.db"
    upgrade(MIGRATIONS, url)
    command.downgrade(alembic_config(MIGRATIONS, url), "-1")
    upgrade(MIGRATIONS, url)
    assert "web_sessions" in inspect(create_engine(url)).get_table_names()
