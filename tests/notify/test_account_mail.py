"""notify.account_mail: the mail with a single-use link from the account pages, sent by email
through the suite's SMTP sink, once however often the message comes, in the person's language,
whatever their notification preferences say."""

from __future__ import annotations

from datetime import UTC, datetime

from shared import contracts

from services.notify import preferences as stored_preferences
from services.notify.domain.preferences import Preferences

LINK = "http://127.0.0.1:8080/account/welcome/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
UNTIL = datetime(2026, 12, 8, 14, 30, tzinfo=UTC)  # 15:30 in Jena


def mail_payload(**overrides):
    values = dict(
        account_id=7,
        email="mia@example.org",
        name="Mia Neu",
        username="mia",
        language="de",
        purpose="invite",
        link=LINK,
        expires_at=UNTIL,
        invited_by="Kora Koordination",
        partner_name="MGH Lobeda",
        sender="accounts",
    )
    return contracts.build("notify.account_mail", **{**values, **overrides})


def _send(notify_app, payload):
    """The task as the worker runs it, in this process (the payload has a "name": no run_task)."""
    notify_app.extensions["celery"].tasks["notify.account_mail"].apply(kwargs=payload).get(propagate=True)


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_an_invitation_goes_out_once_with_its_link_and_validity(notify_app, fast_retries, smtp_sink, deliveries):
    payload = mail_payload()
    _send(notify_app, payload)
    _send(notify_app, payload)  # delivered twice by the broker: sent once
    (message,) = smtp_sink.messages
    assert message["To"] == "Mia Neu <mia@example.org>"
    assert message["Subject"] == "Ihr Zugang zu Treffpunkt Generationen Jena"
    text = _text(message)
    assert LINK in text and "Kora Koordination" in text and "MGH Lobeda" in text
    assert "Ihr Benutzername: mia" in text
    assert "Di. 08.12.2026, 15:30 Uhr" in text and "nur einmal" in text
    assert not message.is_multipart() or all(p.get_content_type() != "text/calendar" for p in message.walk())
    (row,) = deliveries()
    assert (row["kind"], row["account_id"], row["status"], row["channel"]) == ("invite", 7, "sent", "email")


def test_a_reset_mail_in_english_ignores_the_notification_preferences(notify_app, fast_retries, smtp_sink):
    with notify_app.extensions["db"].begin() as s:  # this person wants no email about bookings
        stored_preferences.save(s, 7, Preferences(choices={"confirmed": "none", "reminder": "none"}, lead_minutes=None))
    _send(notify_app, mail_payload(purpose="reset", language="en", invited_by="", partner_name=""))
    (message,) = smtp_sink.messages
    assert message["Subject"] == "New password for Treffpunkt Generationen Jena"
    text = _text(message)
    assert "Hello Mia Neu," in text and "“mia”" in text and "Tue 8 Dec 2026, 15:30" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'<a href="{LINK}">' in html


def test_a_mail_without_a_valid_link_or_address_is_refused_by_the_contract():
    import pytest
    from marshmallow import ValidationError

    with pytest.raises(ValidationError):
        mail_payload(link="javascript:alert(1)")
    with pytest.raises(ValidationError):
        mail_payload(email="keine-adresse")
    with pytest.raises(ValidationError):
        mail_payload(purpose="welcome")


def test_the_delivery_log_keeps_the_link_out_of_sight(notify_app, fast_retries, people):
    from tests.support.login import login

    _send(notify_app, mail_payload(account_id=people["lena"]["id"]))
    office = notify_app.test_client()
    login(office, "kora", service="notify")
    page = office.get("/notify/deliveries/1").get_data(as_text=True)
    assert "/account/welcome/[redacted]" in page and LINK.rsplit("/", 1)[1] not in page
