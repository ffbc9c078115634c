"""The account pages against PostgreSQL and Redis: inviting, the links in the mails, "Passwort
vergessen", one's own account. Through the real forms, CSRF tokens included."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from shared import contracts
from shared.clock import utcnow
from shared.identity.models import Account, AccountLink, WebSession
from shared.identity.store import digest

from tests.accounts.conftest import csrf, errors_at, path_of, post_form
from tests.support.login import PASSWORD, login

NEW_PASSWORD = "neues-passwort-lang"


def _invite(client, **changes):
    data = {"name": "Mia Neu", "email": "mia@example.org", "partner": "1", "role": "staff", "language": "de"}
    return post_form(client, "/account/invite/", {**data, **changes})


@pytest.fixture
def office(accounts_app, people):
    client = accounts_app.test_client()
    login(client, "kora", service="account")
    return client


def test_the_office_invites_a_colleague_who_gets_a_mail_with_a_link(office, mails, identity):
    response = _invite(office)
    assert response.status_code == 303
    page = office.get("/account/invite/").get_data(as_text=True)
    assert "mia@example.org" in page and "Benutzername: mia" in page
    (mail,) = mails()
    checked = contracts.load("notify.account_mail", mail)  # what notify will accept
    assert checked["purpose"] == "invite" and checked["email"] == "mia@example.org"
    assert checked["username"] == "mia" and checked["invited_by"] == "Kora"
    assert checked["expires_at"] - utcnow() > timedelta(hours=71)
    assert mail["link"].startswith("http://127.0.0.1:8080/account/welcome/")
    mia = identity.principal_by_username("mia")
    assert mia.partner_name == "Mehrgenerationenhaus Lobeda" and mia.role == "staff"
    assert identity.check_password("mia", "") is None  # no password until she chooses one


def test_the_link_lets_the_colleague_choose_a_password_once_and_logs_her_in(accounts_app, office, mails, identity):
    _invite(office)
    link = path_of(mails()[0]["link"])
    visitor = accounts_app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    assert "Mia Neu" in page and "mia" in page
    short = post_form(visitor, link, {"password": "kurz", "repeated": "kurz"})
    assert short.status_code == 400 and "Mindestens 12 Zeichen" in errors_at(short, "password")
    different = post_form(visitor, link, {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD + "x"})
    assert different.status_code == 400 and "verschieden" in errors_at(different, "repeated")
    done = post_form(visitor, link, {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"].endswith("/account/")
    home = visitor.get("/account/").get_data(as_text=True)
    assert "Willkommen" in home and "Mia Neu" in home
    assert identity.check_password("mia", NEW_PASSWORD) is not None
    again = visitor.get(link)
    assert again.status_code == 410 and "schon benutzt" in again.get_data(as_text=True)
    assert "Passwort vergessen" in again.get_data(as_text=True)  # what to do instead


def test_an_expired_or_unknown_link_says_what_to_do(accounts_app, office, mails):
    _invite(office)
    link = path_of(mails()[0]["link"])
    with accounts_app.extensions["db"].begin() as s:
        s.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(minutes=1)))
    visitor = accounts_app.test_client()
    expired = visitor.get(link)
    assert expired.status_code == 410 and "abgelaufen" in expired.get_data(as_text=True)
    refused = post_form(visitor, link, {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD}, page="/account/forgot/")
    assert refused.status_code == 410
    unknown = visitor.get("/account/welcome/" + "x" * 43)
    assert unknown.status_code == 404 and "kennen wir nicht" in unknown.get_data(as_text=True)
    assert visitor.get("/account/reset/" + "x" * 500).status_code == 404


def test_only_the_hash_of_a_link_is_stored(accounts_app, office, mails):
    _invite(office)
    token = mails()[0]["link"].rsplit("/", 1)[1]
    with accounts_app.extensions["db"]() as s:
        (stored,) = s.scalars(select(AccountLink.token_hash)).all()
    assert stored == digest(token) and token not in stored


def test_inviting_an_existing_address_is_refused_at_the_field(office, mails):
    response = _invite(office, email="LENA@example.org")
    assert response.status_code == 409
    assert "schon ein Konto" in errors_at(response, "email")
    taken = _invite(office, username="lena")
    assert taken.status_code == 409 and "gibt es schon" in errors_at(taken, "username")
    bad = _invite(office, email="keine-adresse", name="")
    assert bad.status_code == 400
    assert errors_at(bad, "name") and "name@beispiel.de" in errors_at(bad, "email")
    assert mails() == []


def test_staff_invite_colleagues_of_their_own_partner_only(accounts_app, people, mails, identity):
    lena = accounts_app.test_client()
    login(lena, "lena", service="account")
    page = lena.get("/account/invite/").get_data(as_text=True)
    assert "AWO" not in page and "Koordinierungsstelle</option>" not in page  # no other partner, no office role
    other = _invite(lena, partner=str(people["otto"]["partner_id"]))
    assert other.status_code == 403 and mails() == []
    office_role = _invite(lena, role="coordination")
    assert office_role.status_code in (400, 403) and mails() == []
    own = _invite(lena, partner=str(people["lena"]["partner_id"]))
    assert own.status_code == 303 and len(mails()) == 1


def test_staff_invite_nobody_where_the_network_does_not_allow_it(accounts_app, people, monkeypatch):
    from services.accounts.settings import AccountSettings

    monkeypatch.setitem(accounts_app.config, "ACCOUNT_SETTINGS", replace(AccountSettings(), staff_may_invite=False))
    lena = accounts_app.test_client()
    login(lena, "lena", service="account")
    assert lena.get("/account/invite/").status_code == 403
    assert "einladen" not in lena.get("/account/").get_data(as_text=True)


def test_the_invitation_form_needs_a_login_and_its_csrf_token(accounts_app, office, people):
    assert accounts_app.test_client().get("/account/invite/").status_code == 302
    assert office.post("/account/invite/", data={"name": "X", "email": "x@example.org"}).status_code == 400


def _forgot(client, name):
    return post_form(client, "/account/forgot/", {"name": name})


def test_forgot_password_answers_the_same_for_every_name(accounts_app, people, mails):
    visitor = accounts_app.test_client()
    known, unknown = _forgot(visitor, "lena@example.org"), _forgot(visitor, "niemand@example.org")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    by_name = _forgot(visitor, "otto")
    assert by_name.status_code == 303
    sent = mails()
    assert [(m["email"], m["purpose"]) for m in sent] == [("lena@example.org", "reset"), ("otto@example.org", "reset")]
    assert contracts.load("notify.account_mail", sent[0])["expires_at"] - utcnow() <= timedelta(hours=1)
    empty = _forgot(visitor, "")
    assert empty.status_code == 400 and errors_at(empty, "name")


def test_forgot_password_is_throttled_per_name_and_per_client(accounts_app, people, mails):
    visitor = accounts_app.test_client()
    for _ in range(3):
        assert _forgot(visitor, "lena").status_code == 303
    limited = _forgot(visitor, "lena")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "zu viele Links" in limited.get_data(as_text=True)
    assert len(mails()) == 3
    for n in range(7):  # other names, the same client: ten counted requests an hour in all
        assert _forgot(visitor, f"jemand{n}").status_code == 303
    assert _forgot(visitor, "noch-jemand").status_code == 429


def test_a_reset_link_sets_a_new_password_and_ends_every_session(accounts_app, rooms_app, people, mails, identity):
    elsewhere = rooms_app.test_client()
    login(elsewhere, "lena")
    visitor = accounts_app.test_client()
    _forgot(visitor, "lena")
    _forgot(visitor, "lena")  # only the newest link counts
    first, newest = (path_of(m["link"]) for m in mails())
    assert visitor.get(first).status_code == 404
    done = post_form(visitor, newest, {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD})
    assert done.status_code == 303
    assert "Alle bisherigen Anmeldungen" in visitor.get("/account/").get_data(as_text=True)
    assert elsewhere.get("/rooms/bookings").status_code == 302  # logged out there
    assert identity.check_password("lena", PASSWORD) is None
    assert identity.check_password("lena", NEW_PASSWORD) is not None
    assert visitor.get(newest).status_code == 410


def test_own_account_changes_the_password_with_the_current_one(accounts_app, rooms_app, people, identity):
    elsewhere = rooms_app.test_client()
    login(elsewhere, "lena")
    me = accounts_app.test_client()
    login(me, "lena", service="account")
    new = {"pw-password": NEW_PASSWORD, "pw-repeated": NEW_PASSWORD}
    wrong = post_form(me, "/account/password", {"pw-current": "falsch", **new}, page="/account/")
    assert wrong.status_code == 400 and "stimmt nicht" in errors_at(wrong, "pw-current")
    done = post_form(me, "/account/password", {"pw-current": PASSWORD, **new}, page="/account/")
    assert done.status_code == 303
    assert "allen anderen Geräten" in me.get("/account/").get_data(as_text=True)  # still logged in here
    assert elsewhere.get("/rooms/bookings").status_code == 302
    assert identity.check_password("lena", NEW_PASSWORD) is not None


def test_own_account_changes_contact_and_language(accounts_app, people, identity):
    me = accounts_app.test_client()
    login(me, "lena", service="account")
    data = {"contact-email": "lena.neu@example.org", "contact-phone": "03641 123456", "contact-language": "en"}
    done = post_form(me, "/account/contact", data, page="/account/")
    assert done.status_code == 303
    lena = identity.principal_by_username("lena")
    assert (lena.email, lena.phone, lena.language) == ("lena.neu@example.org", "03641 123456", "en")
    assert '<html lang="en">' in me.get("/account/").get_data(as_text=True)  # the pages follow the account
    taken = post_form(me, "/account/contact", {**data, "contact-email": "otto@example.org"}, page="/account/")
    assert taken.status_code == 409 and errors_at(taken, "contact-email")
    bad = post_form(me, "/account/contact", {**data, "contact-phone": "ruf an"}, page="/account/")
    assert bad.status_code == 400 and errors_at(bad, "contact-phone")


def test_own_account_lists_the_logins_and_ends_one(accounts_app, people, identity):
    phone = accounts_app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"
    login(phone, "lena", service="account")
    me = accounts_app.test_client()
    me.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0; rv:133.0) Gecko/20100101 Firefox/133.0"
    login(me, "lena", service="account")
    page = me.get("/account/").get_data(as_text=True)
    assert "Chrome auf Android" in page and "Firefox auf Windows" in page
    assert page.count("dieses Gerät") == 1
    sessions = identity.web_sessions(people["lena"]["id"])
    other = next(s for s in sessions if "Android" in s["user_agent"])
    token = csrf(me, "/account/")
    assert me.post(f"/account/sessions/{other['id']}/end", data={"csrf_token": token}).status_code == 303
    assert phone.get("/account/").status_code == 302  # the phone is logged out
    assert me.get("/account/").status_code == 200
    # someone else's login looks like one that has ended
    otto = accounts_app.test_client()
    login(otto, "otto", service="account")
    with accounts_app.extensions["db"]() as s:
        otto_session = s.scalar(select(WebSession.id).join(Account).where(Account.username == "otto"))
    assert me.post(f"/account/sessions/{otto_session}/end", data={"csrf_token": token}).status_code == 404
    assert me.post(f"/account/sessions/{other['id']}/end").status_code == 400  # no CSRF token


def test_every_login_page_offers_forgot_password(frontdoor, people):
    from werkzeug.test import Client

    client = Client(frontdoor)
    for service in ("rooms", "calendar", "notify", "account"):
        assert 'href="/account/forgot/"' in client.get(f"/{service}/login").get_data(as_text=True)
