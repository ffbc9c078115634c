"""The booking_notice task end to end in-process: real PostgreSQL, a real SMTP conversation with
aiosmtpd, real HTTP to the fake SMS gateway."""

from __future__ import annotations

import icalendar
import pytest

from tests.support.notify import notice_payload, tune


def test_one_notice_sends_one_email_with_invitation_and_one_sms(run_task, smtp_sink, sms_gateway, deliveries):
    payload = notice_payload()
    run_task("notify.booking_notice", **payload)

    assert len(smtp_sink.messages) == 1
    mail = smtp_sink.messages[0]
    assert mail["To"].addresses[0].addr_spec == "lena@example.org"
    assert "Buchung bestätigt" in str(mail["Subject"])
    calendars = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1 and calendars[0].get_param("method") == "REQUEST"
    event = icalendar.Calendar.from_ical(calendars[0].get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == payload["uid"]

    assert len(sms_gateway.received) == 1
    sms = sms_gateway.received[0]
    assert sms["path"] == "/sms"
    assert sms["headers"]["Authorization"] == "Bearer test-token"
    assert sms["json"]["to"] == "+4915123456789"
    assert sms["json"]["sender"] == "Treffpunkt"
    assert "Krabbelgruppe" in sms["json"]["text"]

    rows = deliveries()
    assert {(r["channel"], r["status"], r["attempts"]) for r in rows} == {("email", "sent", 1), ("sms", "sent", 1)}
    assert all(r["sent_at"] is not None for r in rows)


def test_the_same_message_again_sends_nothing_new(run_task, smtp_sink, sms_gateway, deliveries):
    payload = notice_payload()
    run_task("notify.booking_notice", **payload)
    run_task("notify.booking_notice", **payload)
    assert len(smtp_sink.messages) == 1
    assert len(sms_gateway.received) == 1
    assert len(deliveries()) == 2


def test_a_new_message_for_the_same_booking_is_sent(run_task, smtp_sink, sms_gateway):
    run_task("notify.booking_notice", **notice_payload())
    run_task("notify.booking_notice", **notice_payload(kind="cancelled", sequence=1))
    assert len(smtp_sink.messages) == 2
    assert len(sms_gateway.received) == 2  # SMS by default for confirmed and cancelled (with a phone)


def test_smtp_451_twice_then_delivered_after_retries(run_task, smtp_sink, deliveries):
    smtp_sink.fail("451 4.3.0 try later", 2)
    run_task("notify.booking_notice", **notice_payload(phone=""))
    assert len(smtp_sink.messages) == 1
    [row] = deliveries()
    assert (row["status"], row["attempts"]) == ("sent", 3)


def test_smtp_550_fails_at_once_with_the_reason(run_task, smtp_sink, deliveries):
    smtp_sink.fail("550 5.1.1 no such user", 5)
    run_task("notify.booking_notice", **notice_payload(phone=""))
    assert smtp_sink.messages == []
    [row] = deliveries()
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "550" in row["last_error"] and "no such user" in row["last_error"]


def test_smtp_always_451_gives_up_after_the_bounded_attempts(run_task, smtp_sink, deliveries, notify_app, monkeypatch):
    tune(monkeypatch, notify_app, max_attempts=3)
    smtp_sink.fail("451 4.3.0 try later", 100)
    before = smtp_sink.handler.attempts  # counts over the whole session
    run_task("notify.booking_notice", **notice_payload(phone=""))
    [row] = deliveries()
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert "451" in row["last_error"] and "3 Versuchen" in row["last_error"]
    assert smtp_sink.handler.attempts - before == 3


def test_gateway_500_then_ok_is_sent(run_task, sms_gateway, deliveries):
    sms_gateway.fail(500, 1)
    run_task("notify.booking_notice", **notice_payload(email=""))
    assert len(sms_gateway.received) == 1
    [row] = deliveries()
    assert (row["channel"], row["status"], row["attempts"]) == ("sms", "sent", 2)


def test_gateway_400_fails_at_once(run_task, sms_gateway, deliveries):
    sms_gateway.fail(400, 5)
    run_task("notify.booking_notice", **notice_payload(email=""))
    [row] = deliveries()
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "400" in row["last_error"]


def test_invalid_phone_fails_and_email_still_goes(run_task, smtp_sink, sms_gateway, deliveries):
    run_task("notify.booking_notice", **notice_payload(phone="12345"))
    assert sms_gateway.received == []
    assert len(smtp_sink.messages) == 1
    by_channel = {r["channel"]: r for r in deliveries()}
    assert by_channel["sms"]["status"] == "failed"
    assert "Telefonnummer" in by_channel["sms"]["last_error"]
    assert by_channel["email"]["status"] == "sent"


def test_invalid_payload_is_dropped_not_retried(run_task, smtp_sink, deliveries):
    payload = notice_payload()
    payload["kind"] = "party"
    result = run_task("notify.booking_notice", **payload)
    assert "dropped" in result.get()
    assert deliveries() == [] and smtp_sink.messages == []


def test_a_cancellation_carries_method_cancel(run_task, smtp_sink):
    run_task("notify.booking_notice", **notice_payload(kind="cancelled", sequence=3, phone=""))
    [mail] = smtp_sink.messages
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    cal = icalendar.Calendar.from_ical(part.get_content())
    assert str(cal["METHOD"]) == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 3


def test_concurrent_attempts_on_one_delivery_send_it_once(notify_app, notify_settings, smtp_sink, deliveries):
    """Two workers holding the same message (a redelivery while the first still runs): the
    conditional claim lets exactly one of them send."""
    from concurrent.futures import ThreadPoolExecutor

    from shared import contracts
    from shared.db import autocommit_connection

    from services.notify import delivery, sending
    from services.notify.domain.notice import Notice

    factory = notify_app.extensions["db"]
    notice = Notice.from_message(contracts.load("notify.booking_notice", notice_payload(phone="")))
    [delivery_id] = delivery.accept(factory, notice, notify_settings.mail_from)

    def attempt(_):  # as a task does: on a connection of its own, in autocommit
        with autocommit_connection(factory) as statements:
            return sending.attempt(statements, factory, notify_settings, delivery_id)

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("sent") >= 1 and set(outcomes) <= {"sent", "busy"}
    assert len(smtp_sink.messages) == 1
    assert deliveries()[0]["attempts"] == 1


def test_an_unexpected_conflict_records_nothing_and_sends_no_receipt(
    run_task, notify_app, settings, smtp_sink, deliveries
):
    """A delivery row of the message already there without its inbox record (it cannot happen
    through the task): the accepting transaction fails as a whole and is retried, so the message
    is neither recorded as seen nor confirmed to its sender; it would come again."""
    import redis
    from sqlalchemy import func, select
    from sqlalchemy.exc import IntegrityError

    from services.notify.models import Delivery, ProcessedMessage

    payload = notice_payload(phone="", sender="rooms")
    with notify_app.extensions["db"]() as session:
        session.add(
            Delivery(
                message_id=payload["message_id"],
                channel="email",
                account_id=1,
                recipient="x@example.org",
                kind="confirmed",
                booking_id=42,
                uid=payload["uid"],
                status="failed",
            )
        )
        session.commit()
    with pytest.raises(IntegrityError):  # after the bounded retries, each failing the same way
        run_task("notify.booking_notice", **payload)
    with notify_app.extensions["db"]() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedMessage)) == 0
    assert [d["status"] for d in deliveries()] == ["failed"]
    assert smtp_sink.messages == []
    assert redis.Redis.from_url(settings.broker_url).llen("rooms") == 0  # no receipt
