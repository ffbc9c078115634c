"""The adapters against real servers at the edge: aiosmtpd, the fake SMS gateway, and a local
HTTP server standing in for seven.io. Each failure is classified transient or permanent."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pytest

from services.notify.channels import sender_for
from services.notify.channels.email import SmtpSender
from services.notify.channels.outgoing import Outgoing
from services.notify.channels.sms import SevenSender, WebhookSender
from services.notify.domain.errors import PermanentFailure, TransientFailure

SMS = Outgoing(delivery_id=1, channel="sms", recipient="+4915123456789", subject="", body="Hallo Jena")
MAIL = Outgoing(
    delivery_id=1,
    channel="email",
    recipient="lena@example.org",
    subject="Test",
    body="From: a@b.de\r\nTo: lena@example.org\r\nSubject: Test\r\n\r\nHallo\r\n",
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens here once the socket is closed


def test_backends_follow_settings(notify_settings, notify_app):
    factory = notify_app.extensions["db"]
    assert type(sender_for("email", notify_settings, factory)).__name__ == "SmtpSender"
    assert type(sender_for("sms", notify_settings, factory)).__name__ == "WebhookSender"
    assert type(sender_for("sms", replace(notify_settings, sms_backend="seven"), factory)).__name__ == "SevenSender"
    capture = replace(notify_settings, mail_backend="capture", sms_backend="capture")
    assert type(sender_for("email", capture, factory)).__name__ == "CaptureSender"


def test_smtp_sends_a_real_conversation(notify_settings, smtp_sink):
    SmtpSender(notify_settings).send(MAIL)
    [message] = smtp_sink.messages
    assert message["Subject"] == "Test"


def test_smtp_temporary_and_permanent_replies(notify_settings, smtp_sink):
    smtp_sink.fail("452 4.3.1 insufficient storage", 1)
    with pytest.raises(TransientFailure, match="452"):
        SmtpSender(notify_settings).send(MAIL)
    smtp_sink.fail("554 5.7.1 rejected", 1)
    with pytest.raises(PermanentFailure, match="554"):
        SmtpSender(notify_settings).send(MAIL)


def test_smtp_connection_refused_is_transient(notify_settings):
    with pytest.raises(TransientFailure, match="nicht erreichbar"):
        SmtpSender(replace(notify_settings, smtp_port=_closed_port()), timeout=3).send(MAIL)


def test_webhook_429_is_transient_and_refused_connection_too(notify_settings, sms_gateway):
    sms_gateway.fail(429, 1)
    with pytest.raises(TransientFailure, match="429"):
        WebhookSender(notify_settings).send(SMS)
    with pytest.raises(TransientFailure):
        WebhookSender(replace(notify_settings, sms_url=f"http://127.0.0.1:{_closed_port()}/sms"), timeout=3).send(SMS)
    with pytest.raises(PermanentFailure):
        WebhookSender(replace(notify_settings, sms_url="")).send(SMS)


def test_seven_posts_form_fields_with_api_key(notify_settings, sms_gateway):
    seven = replace(notify_settings, sms_backend="seven", sms_url=sms_gateway.url, sms_token="seven-key")
    SevenSender(seven).send(SMS)
    [request] = sms_gateway.received
    assert request["path"] == "/api/sms"
    assert request["headers"]["X-Api-Key"] == "seven-key"
    assert "to=%2B4915123456789" in request["form"] and "text=Hallo+Jena" in request["form"]
    assert "from=Treffpunkt" in request["form"]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("100", None),
        (json.dumps({"success": "100", "messages": []}), None),
        ("202", PermanentFailure),  # invalid recipient
        ("900", PermanentFailure),  # authentication failed
        ("500", TransientFailure),  # out of credit: someone tops it up
    ],
)
def test_seven_reads_its_status_code_from_the_body(notify_settings, httpserver, body, expected):
    httpserver.expect_request("/api/sms", method="POST").respond_with_data(body, status=200)
    sender = SevenSender(replace(notify_settings, sms_url=httpserver.url_for("/").rstrip("/"), sms_token="k"))
    if expected is None:
        sender.send(SMS)
    else:
        with pytest.raises(expected):
            sender.send(SMS)


def test_seven_http_errors(notify_settings, httpserver):
    httpserver.expect_oneshot_request("/api/sms").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request("/api/sms").respond_with_data("no", status=401)
    sender = SevenSender(replace(notify_settings, sms_url=httpserver.url_for("/").rstrip("/"), sms_token="k"))
    with pytest.raises(TransientFailure, match="503"):
        sender.send(SMS)
    with pytest.raises(PermanentFailure, match="401"):
        sender.send(SMS)
