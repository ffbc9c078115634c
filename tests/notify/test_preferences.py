"""Preferences: per kind of message email, SMS, both or none; language; the settings page
(login, CSRF, German) and the signed link in every email footer (works; tampered or expired
links do not). Real SMTP sink, real SMS gateway, real PostgreSQL."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.support.login import login
from tests.support.notify import alerts, notice_payload


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _form(page: str) -> dict:
    """The values the page shows as selected, like a browser would submit them unchanged."""
    values = {"csrf_token": _csrf(page)}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        values[name] = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body).group(1)
    return values


def _save(client, url: str, **changes):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={**_form(page), **changes})


def _footer_link(mail) -> str:
    text = mail.get_body(("plain",)).get_content()
    return re.search(r"Benachrichtigungen einstellen: (\S+)", text).group(1)


@pytest.fixture
def lena(notify_app, people):
    client = notify_app.test_client()
    login(client, "lena", service="notify")
    return client


def _channels(deliveries, kind=None):
    return sorted(r["channel"] for r in deliveries() if kind is None or r["kind"] == kind)


def test_defaults_email_always_sms_for_confirmed_cancelled_when_a_phone_exists(run_task, people, deliveries):
    lena_id = people["lena"]["id"]
    run_task("notify.booking_notice", **notice_payload(kind="confirmed", account_id=lena_id))
    run_task("notify.booking_notice", **notice_payload(kind="changed", sequence=1, account_id=lena_id))
    run_task("notify.booking_notice", **notice_payload(kind="cancelled", sequence=2, account_id=lena_id, phone=""))
    assert _channels(deliveries, "confirmed") == ["email", "sms"]
    assert _channels(deliveries, "changed") == ["email"]
    assert _channels(deliveries, "cancelled") == ["email"]  # no phone, no SMS


@pytest.mark.parametrize(
    "choice, expected", [("none", []), ("email", ["email"]), ("sms", ["sms"]), ("both", ["email", "sms"])]
)
def test_each_choice_is_honoured(lena, run_task, people, deliveries, smtp_sink, sms_gateway, choice, expected):
    response = _save(lena, "/notify/preferences", kind_changed=choice)
    assert response.status_code == 303
    run_task("notify.booking_notice", **notice_payload(kind="changed", account_id=people["lena"]["id"]))
    assert _channels(deliveries) == expected
    assert len(smtp_sink.messages) == expected.count("email")
    assert len(sms_gateway.received) == expected.count("sms")


def test_preferences_at_the_time_of_the_notice_count(lena, run_task, people, deliveries):
    lena_id = people["lena"]["id"]
    run_task("notify.booking_notice", **notice_payload(kind="changed", account_id=lena_id))
    _save(lena, "/notify/preferences", kind_changed="none")
    run_task("notify.booking_notice", **notice_payload(kind="changed", sequence=1, account_id=lena_id))
    assert _channels(deliveries) == ["email"]  # the first one went out; the second not at all


def test_a_redelivered_notice_is_not_decided_again(lena, run_task, people, deliveries):
    payload = notice_payload(kind="changed", account_id=people["lena"]["id"])
    run_task("notify.booking_notice", **payload)
    _save(lena, "/notify/preferences", kind_changed="both")
    run_task("notify.booking_notice", **payload)  # the same message again
    assert _channels(deliveries) == ["email"]


def test_language_preference_overrides_the_notice(lena, run_task, people, smtp_sink):
    _save(lena, "/notify/preferences", language="en")
    run_task("notify.booking_notice", **notice_payload(account_id=people["lena"]["id"], language="de", phone=""))
    [mail] = smtp_sink.messages
    assert str(mail["Subject"]).startswith("Booking confirmed")
    assert "Notification settings: http" in mail.get_body(("plain",)).get_content()


def test_the_page_needs_a_login_and_csrf_and_speaks_german(notify_app, lena, people):
    assert notify_app.test_client().get("/notify/preferences").status_code == 302
    page = lena.get("/notify/preferences").get_data(as_text=True)
    assert "Benachrichtigungen" in page and "Ihre Buchung ist bestätigt" in page and "E-Mail und SMS" in page
    assert "1 Tag vorher" in page
    values = _form(page)
    assert values["kind_confirmed"] == "both" and values["kind_changed"] == "email" and values["lead"] == "1440"
    without_token = {k: v for k, v in values.items() if k != "csrf_token"}
    assert lena.post("/notify/preferences", data={**without_token, "lead": "120"}).status_code == 400
    assert _form(lena.get("/notify/preferences").get_data(as_text=True))["lead"] == "1440"


def test_invalid_choices_get_a_400_and_change_nothing(lena):
    response = _save(lena, "/notify/preferences", kind_reminder="fax", lead="7")
    assert response.status_code == 400 and len(alerts(response)) == 1
    assert _form(lena.get("/notify/preferences").get_data(as_text=True))["kind_reminder"] == "both"


def test_the_signed_link_in_the_email_opens_that_accounts_settings_without_password(
    notify_app, run_task, people, smtp_sink, deliveries
):
    run_task("notify.booking_notice", **notice_payload(account_id=people["lena"]["id"], phone=""))
    [mail] = smtp_sink.messages
    link = _footer_link(mail)
    html = mail.get_body(("html",)).get_content()
    assert link in html.replace("&amp;", "&")
    path = link.removeprefix("http://127.0.0.1:8080")
    assert path.startswith("/notify/preferences/")

    client = notify_app.test_client()  # nobody is logged in
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Einstellungen für Lena" in page.get_data(as_text=True)
    assert _save(client, path, kind_confirmed="none").status_code == 303
    assert client.get("/notify/").status_code == 302  # the link did not log anybody in

    run_task(
        "notify.booking_notice", **notice_payload(account_id=people["lena"]["id"], kind="confirmed", booking_id=43)
    )
    assert [r["booking_id"] for r in _rows(notify_app)] == [42]  # the new choice counted
    otto = notify_app.test_client()
    login(otto, "otto", service="notify")
    assert _form(otto.get("/notify/preferences").get_data(as_text=True))["kind_confirmed"] == "both"


def _rows(notify_app):
    from sqlalchemy import select

    from services.notify.models import Delivery

    with notify_app.extensions["db"]() as session:
        return [{"booking_id": r.booking_id} for r in session.scalars(select(Delivery))]


def test_a_tampered_link_is_refused(notify_app, people, settings):
    from services.notify import preferences

    token = preferences.token_for(settings.secret_key, people["lena"]["id"])
    client = notify_app.test_client()
    forged = URLSafeTimedSerializer("not-our-secret", salt=preferences.SALT).dumps({"account": people["otto"]["id"]})
    payload, rest = token.split(".", 1)
    other_payload = preferences.token_for(settings.secret_key, people["otto"]["id"]).split(".", 1)[0]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, f"{other_payload}.{rest}", "x"):
        response = client.get(f"/notify/preferences/{bad}")
        assert response.status_code == 400 and len(alerts(response)) == 1, bad
        assert client.post(f"/notify/preferences/{bad}", data={"kind_confirmed": "none"}).status_code == 400


class _LongAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 61 * 86400


def test_an_expired_link_is_refused_with_a_way_forward(notify_app, people, settings):
    from services.notify import preferences

    old = URLSafeTimedSerializer(settings.secret_key, salt=preferences.SALT, signer=_LongAgo)
    response = notify_app.test_client().get(f"/notify/preferences/{old.dumps({'account': people['lena']['id']})}")
    assert response.status_code == 410
    body = response.get_data(as_text=True)
    assert "Dieser Link ist abgelaufen" in body and "/notify/login?next=" in body


def test_the_page_shows_where_messages_go_and_who_changes_it(lena, notify_app, people, identity):
    page = lena.get("/notify/preferences").get_data(as_text=True)
    assert "<dd>lena@example.org</dd>" in page and "0151 23456789" in page
    assert "Adresse und Handynummer ändert die Koordinierungsstelle." in page
    kora = notify_app.test_client()
    login(kora, "kora", service="notify")
    page = kora.get("/notify/preferences").get_data(as_text=True)  # Kora has no phone
    assert "<dd>kora@example.org</dd>" in page and "keine Handynummer hinterlegt" in page
