"""The second factor against PostgreSQL and Redis, through the front door as a browser sees it
(one cookie for every service): setting it up, the login's second step, recovery codes, the
throttle, switching it off, the reset link, and the operator's rule for the coordination office.
Codes are computed with pyotp from the secret the page shows, as an authenticator app would."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import replace

import pyotp
import pytest
from sqlalchemy import func, select, update
from werkzeug.test import Client

from shared.identity.models import RecoveryCode, SecondFactor, WebSession
from shared.identity.store import digest

from tests.accounts.conftest import csrf, errors_at, path_of, post_form
from tests.support.login import PASSWORD

NEW_PASSWORD = "neues-passwort-lang"


def _secret(page: str) -> str:
    return re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")


def _codes(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9-]{14})</code></li>", page)


def _next_code(secret: str) -> str:
    """The code of the coming 30 seconds: still good now (one step of drift), and newer than
    the step the last accepted code belonged to."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def _log_in(client, username: str = "lena", password: str = PASSWORD, page: str = "/rooms/login"):
    return post_form(client, page, {"username": username, "password": password})


def _give_code(client, code: str):
    return post_form(client, "/account/login/code", {"code": code})


def _switch_on(client) -> tuple[str, list[str]]:
    secret = _secret(client.get("/account/two-factor/setup").get_data(as_text=True))
    done = post_form(client, "/account/two-factor/setup", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_data(as_text=True)
    return secret, _codes(done.get_data(as_text=True))


def _sessions(accounts_app, account_id: int) -> int:
    with accounts_app.extensions["db"]() as s:
        return s.scalar(select(func.count()).select_from(WebSession).where(WebSession.account_id == account_id))


def _forget_last_step(accounts_app, account_id: int) -> None:
    """As if the minute had passed: the code of the moment may be used again."""
    with accounts_app.extensions["db"]() as s:
        s.execute(update(SecondFactor).where(SecondFactor.account_id == account_id).values(last_step=None))
        s.commit()


@pytest.fixture
def browser_of(frontdoor):
    return lambda: Client(frontdoor)


@pytest.fixture
def lena(browser_of, people):
    """Lena, logged in, her second factor switched on: (client, secret, recovery codes)."""
    client = browser_of()
    assert _log_in(client).status_code == 302
    secret, codes = _switch_on(client)
    return client, secret, codes


def test_setting_up_shows_a_qr_code_and_the_secret_and_needs_a_current_code(browser_of, people, accounts_app, identity):
    client = browser_of()
    _log_in(client)
    page = client.get("/account/two-factor/setup")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<img class="qr" src="data:image/svg+xml' in html
    secret = _secret(html)
    assert _secret(client.get("/account/two-factor/setup").get_data(as_text=True)) == secret  # a reload: the same
    with accounts_app.extensions["db"]() as s:
        sealed = s.get(SecondFactor, people["lena"]["id"]).secret
    assert secret not in sealed  # sealed at rest
    wrong = post_form(client, "/account/two-factor/setup", {"code": "000000"})
    assert wrong.status_code == 400 and "stimmt nicht" in errors_at(wrong, "code")
    assert not identity.has_second_factor(people["lena"]["id"])
    done = post_form(client, "/account/two-factor/setup", {"code": pyotp.TOTP(secret).now()})
    codes = _codes(done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10 and done.headers["Cache-Control"] == "no-store"
    assert identity.has_second_factor(people["lena"]["id"])
    with accounts_app.extensions["db"]() as s:
        hashes = set(s.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.account_id == people["lena"]["id"])))
    assert hashes == {digest(c.replace("-", "")) for c in codes}  # only hashes are kept
    overview = client.get("/account/two-factor/").get_data(as_text=True)
    assert "Eingeschaltet seit" in overview and "noch 10 unbenutzte" in overview
    assert "App-Passwort" in overview  # what it does not touch
    assert client.get("/account/two-factor/setup").status_code == 303  # on already: nothing to set up


def test_the_password_alone_starts_no_session_the_code_does(lena, browser_of, accounts_app, people):
    _, secret, _ = lena
    other = browser_of()
    first = _log_in(other, page="/rooms/login?next=/rooms/bookings")
    assert first.status_code == 302 and first.headers["Location"] == "/account/login/code"
    before = _sessions(accounts_app, people["lena"]["id"])
    assert other.get("/rooms/bookings").status_code == 302  # to the login: no session
    assert other.get("/account/").status_code == 302
    assert "Code eingeben" in other.get("/account/login/code").get_data(as_text=True)
    wrong = _give_code(other, "123456")
    assert wrong.status_code == 401 and "stimmt nicht" in wrong.get_data(as_text=True)
    assert _sessions(accounts_app, people["lena"]["id"]) == before
    done = _give_code(other, _next_code(secret))
    assert done.status_code == 303 and done.headers["Location"] == "/rooms/bookings"
    assert other.get("/rooms/bookings").status_code == 200
    assert _sessions(accounts_app, people["lena"]["id"]) == before + 1


def test_a_code_is_taken_only_once(lena, browser_of):
    _, secret, _ = lena
    code = _next_code(secret)
    first, second = browser_of(), browser_of()
    _log_in(first), _log_in(second)
    assert _give_code(first, code).status_code == 303
    assert _give_code(second, code).status_code == 401  # seen over a shoulder: worthless now


def test_a_recovery_code_logs_in_once(lena, browser_of):
    _, _, codes = lena
    client = browser_of()
    _log_in(client)
    done = _give_code(client, codes[3].upper().replace("-", " "))  # as people type it
    assert done.status_code == 303
    assert "noch 9 Codes übrig" in client.get("/account/").get_data(as_text=True)
    again = browser_of()
    _log_in(again)
    assert _give_code(again, codes[3]).status_code == 401


def test_wrong_codes_are_throttled_and_a_correct_password_does_not_reset_the_count(lena, browser_of):
    _, secret, codes = lena
    client = browser_of()
    _log_in(client)
    for n in range(5):
        assert _give_code(client, f"00000{n}").status_code == 401
    assert _log_in(client).status_code == 302  # the password again: its counter, not the codes'
    limited = _give_code(client, _next_code(secret))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Zu viele fehlgeschlagene Anmeldungen" in limited.get_data(as_text=True)
    assert _give_code(client, codes[0]).status_code == 429


def test_a_half_done_login_runs_out_after_five_minutes(accounts_app, lena):
    _, secret, _ = lena
    client = accounts_app.test_client()
    _log_in(client, page="/account/login")
    with client.session_transaction() as held:
        held["half_login"] = {**held["half_login"], "at": held["half_login"]["at"] - 5 * 60 - 1}
    gone = client.get("/account/login/code")
    assert gone.status_code == 303 and gone.headers["Location"] == "/account/login"
    assert "zu lange gedauert" in client.get("/account/login").get_data(as_text=True)
    late = post_form(client, "/account/login/code", {"code": _next_code(secret)}, page="/account/login")
    assert late.status_code == 303 and late.headers["Location"] == "/account/login"
    assert client.get("/account/").status_code == 302  # still nobody


def test_new_recovery_codes_need_a_code_and_replace_the_old_ones(lena, browser_of, accounts_app, people):
    client, secret, old = lena
    wrong = post_form(client, "/account/two-factor/recovery-codes", {"renew-code": "999999"}, "/account/two-factor/")
    assert wrong.status_code == 400 and "stimmt nicht" in errors_at(wrong, "renew-code")
    done = post_form(client, "/account/two-factor/recovery-codes", {"renew-code": old[0]}, "/account/two-factor/")
    new = _codes(done.get_data(as_text=True))
    assert done.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    other = browser_of()
    _log_in(other)
    assert _give_code(other, old[1]).status_code == 401
    assert _give_code(other, new[1]).status_code == 303


def test_switching_off_needs_the_password_and_a_code(lena, browser_of, identity, people):
    client, secret, _ = lena
    page = "/account/two-factor/"
    bad_password = post_form(
        client, "/account/two-factor/off", {"off-current": "falsch", "off-code": _next_code(secret)}, page
    )
    assert bad_password.status_code == 400 and errors_at(bad_password, "off-current")
    bad_code = post_form(client, "/account/two-factor/off", {"off-current": PASSWORD, "off-code": "111111"}, page)
    assert bad_code.status_code == 400 and errors_at(bad_code, "off-code")
    assert identity.has_second_factor(people["lena"]["id"])
    done = post_form(client, "/account/two-factor/off", {"off-current": PASSWORD, "off-code": _next_code(secret)}, page)
    assert done.status_code == 303 and not identity.has_second_factor(people["lena"]["id"])
    assert _log_in(browser_of()).status_code == 302  # the password alone again …
    assert "Ausgeschaltet" in client.get(page).get_data(as_text=True)


def test_a_reset_link_asks_for_the_code_before_anyone_is_logged_in(lena, browser_of, mails):
    _, secret, _ = lena
    visitor = browser_of()
    post_form(visitor, "/account/forgot/", {"name": "lena"})
    link = path_of(mails()[-1]["link"])
    done = post_form(visitor, link, {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/account/login/code"
    assert visitor.get("/account/").status_code == 302  # not logged in by the link
    assert "zweite Schritt" in visitor.get("/account/login/code").get_data(as_text=True)
    assert _give_code(visitor, _next_code(secret)).status_code == 303
    assert visitor.get("/account/").status_code == 200


@pytest.fixture
def required(apps, monkeypatch):
    for app in apps.values():
        monkeypatch.setitem(app.config, "SETTINGS", replace(app.config["SETTINGS"], require_totp_for_coordination=True))


def test_the_office_must_set_up_a_second_factor_before_anything_else(required, browser_of, people, identity):
    kora = browser_of()
    first = _log_in(kora, "kora", page="/rooms/login?next=/rooms/bookings")
    assert first.status_code == 302 and first.headers["Location"] == "/account/two-factor/setup"
    assert kora.get("/rooms/bookings").status_code == 302  # nothing else until it is set up
    assert kora.get("/account/two-factor/").status_code == 302
    page = kora.get("/account/two-factor/setup").get_data(as_text=True)
    assert "vorgeschrieben" in page
    secret = _secret(page)
    done = post_form(kora, "/account/two-factor/setup", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and len(_codes(done.get_data(as_text=True))) == 10
    assert 'href="/rooms/bookings"' in done.get_data(as_text=True)  # on to where she was going
    assert kora.get("/rooms/bookings").status_code == 200
    assert identity.has_second_factor(people["kora"]["id"])
    # partner staff are not concerned
    assert _log_in(browser_of(), "lena").headers["Location"] == "/rooms/"
    # a new phone: switching off leads straight to setting up again
    off = post_form(
        kora,
        "/account/two-factor/off",
        {"off-current": PASSWORD, "off-code": _next_code(secret)},
        "/account/two-factor/",
    )
    assert off.status_code == 303 and off.headers["Location"] == "/account/two-factor/setup"


def test_app_passwords_still_open_caldav_and_the_api_without_a_code(lena, browser_of, people):
    client = browser_of()
    secret = people["lena"]["app_password"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"lena:{secret}".encode()).decode()}
    assert client.get("/api/rooms/rooms", headers=auth).status_code == 200


def test_every_form_of_the_second_factor_needs_its_csrf_token(lena, browser_of):
    client, secret, codes = lena
    for path, data in (
        ("/account/two-factor/recovery-codes", {"renew-code": codes[0]}),
        ("/account/two-factor/off", {"off-current": PASSWORD, "off-code": codes[0]}),
    ):
        assert client.post(path, data=data).status_code == 400
    half = browser_of()
    _log_in(half)
    assert half.post("/account/login/code", data={"code": _next_code(secret)}).status_code == 400
    assert half.get("/account/").status_code == 302
    setting_up = browser_of()
    _log_in(setting_up, "otto")
    csrf(setting_up, "/account/two-factor/setup")
    assert setting_up.post("/account/two-factor/setup", data={"code": "123456"}).status_code == 400


def test_the_office_removes_a_lost_phones_second_factor(lena, browser_of, accounts_app, people, identity):
    """Lena lost her phone and her recovery codes: the office takes the app off her account;
    her running logins end, her password alone logs in again, and the audit log says who did it."""
    lena_client, _, _ = lena
    account = people["lena"]["id"]
    office = browser_of()
    assert _log_in(office, "kora").status_code == 302
    page = office.get(f"/account/admin/accounts/{account}").get_data(as_text=True)
    assert "Zwei-Faktor-Anmeldung entfernen" in page
    path = f"/account/admin/accounts/{account}/second-factor/remove"
    staff = browser_of()
    assert _log_in(staff, "otto").status_code == 302
    assert post_form(staff, path, {}, page="/account/").status_code == 403
    done = post_form(office, path, {}, page=f"/account/admin/accounts/{account}")
    assert done.status_code == 303
    with accounts_app.extensions["db"]() as s:
        assert s.scalar(select(func.count()).select_from(SecondFactor).where(SecondFactor.account_id == account)) == 0
        assert s.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.account_id == account)) == 0
    assert _sessions(accounts_app, account) == 0
    assert lena_client.get("/account/").status_code == 302  # logged out
    again = browser_of()
    assert _log_in(again, page="/rooms/login?next=/rooms/bookings").headers["Location"] == "/rooms/bookings"
    assert "Zwei-Faktor-Anmeldung entfernt" in office.get("/account/admin/audit").get_data(as_text=True)
    twice = post_form(office, path, {}, page=f"/account/admin/accounts/{account}")
    assert twice.status_code == 409 and "keine Zwei-Faktor-Anmeldung" in twice.get_data(as_text=True)
