"""Notices from both sides through the real task, PostgreSQL and a real SMTP conversation with
aiosmtpd: a request (to the owner or to the booker) and every owner notice arrive without any
calendar part; an invitation's DESCRIPTION is the booking's, never the greeting or the personal
settings link; owners get no reminders of other people's bookings."""

from __future__ import annotations

import re

import icalendar
import pytest
from sqlalchemy import func, select

from services.notify.models import ReminderPlan

from tests.support.notify import notice_payload

OTTO = {"name": "Otto Muster", "partner_name": "AWO Begegnungsstätte Nord", "email": "otto@example.org", "phone": ""}


def _calendar_parts(mail) -> list:
    return [
        p
        for p in mail.walk()
        if p.get_content_type() in ("text/calendar", "application/ics") or (p.get_filename() or "").endswith(".ics")
    ]


@pytest.mark.parametrize(
    "kind, role",
    [("requested", "owner"), ("requested", "booker"), ("changed", "owner"), ("cancelled", "owner")],
)
def test_requests_and_owner_notices_carry_no_invitation(run_task, smtp_sink, deliveries, kind, role):
    run_task(
        "notify.booking_notice",
        **notice_payload(kind=kind, role=role, booker=OTTO, description="Yoga für Ältere", reason="Umbau", phone=""),
    )
    [mail] = smtp_sink.messages
    assert _calendar_parts(mail) == []
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    assert "Anhang" not in text
    [row] = deliveries()
    assert row["status"] == "sent" and row["subject"] == str(mail["Subject"])


def test_the_owners_request_email_says_who_asks_what_for_and_where_to_decide(run_task, smtp_sink):
    run_task(
        "notify.booking_notice",
        **notice_payload(kind="requested", role="owner", booker=OTTO, description="Yoga für Ältere", phone="", weeks=2),
    )
    [mail] = smtp_sink.messages
    assert str(mail["Subject"]) == "Anfrage zur Freigabe: Krabbelgruppe"
    text = mail.get_body(("plain",)).get_content()
    for fact in (
        "Otto Muster (AWO Begegnungsstätte Nord)",
        "E-Mail: otto@example.org",
        "Wofür: Yoga für Ältere",
        "Der Raum ist erst gebucht, wenn Sie die Anfrage freigeben.",
        "Anfrage ansehen und entscheiden: http://127.0.0.1:8080/rooms/bookings/42",
    ):
        assert fact in text, fact
    assert "Telefon" not in text  # Otto left no number: no empty line for it


def test_the_invitation_carries_the_description_not_the_greeting_or_the_settings_link(run_task, smtp_sink):
    run_task(
        "notify.booking_notice",
        **notice_payload(kind="approved", description="Yoga für Ältere, Matten bitte mitbringen", phone=""),
    )
    [mail] = smtp_sink.messages
    text = mail.get_body(("plain",)).get_content()
    settings_link = re.search(r"Benachrichtigungen einstellen: (\S+)", text).group(1)
    inline, attachment = _calendar_parts(mail)
    assert attachment.get_filename() == "invite.ics"
    for part in (inline, attachment):
        raw = part.get_content()
        raw = raw.decode() if isinstance(raw, bytes) else raw
        event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
        assert str(event["DESCRIPTION"]) == (
            "Yoga für Ältere, Matten bitte mitbringen\n\nhttp://127.0.0.1:8080/rooms/bookings/42"
        )
        unfolded = raw.replace("\r\n ", "")
        assert "Hallo" not in unfolded and "Lena Beispiel," not in unfolded
        assert settings_link not in unfolded and "/notify/preferences/" not in unfolded


def test_a_partial_approval_invites_to_the_approved_dates_only(run_task, smtp_sink):
    payload = notice_payload(kind="approved", weeks=3, phone="")
    payload["occurrences"][1].update(state="declined", comment="Saal belegt")
    run_task("notify.booking_notice", **payload)
    [mail] = smtp_sink.messages
    assert str(mail["Subject"]) == "Anfrage teilweise freigegeben: Krabbelgruppe"
    assert "Fr. 27.03.2026, 14:00–16:00 Uhr (Anmerkung: Saal belegt)" in mail.get_body(("plain",)).get_content()
    inline = _calendar_parts(mail)[0]
    event = icalendar.Calendar.from_ical(inline.get_content()).walk("VEVENT")[0]
    starts = [event.decoded("DTSTART")] + [d.dt for d in event["RDATE"].dts]
    assert sorted(s.strftime("%d.%m.") for s in starts) == ["03.04.", "20.03."]


def test_owners_are_not_reminded_of_other_peoples_bookings(run_task, notify_app):
    run_task("notify.booking_notice", **notice_payload(kind="changed", role="owner", booker=OTTO, account_id=5))
    run_task("notify.booking_notice", **notice_payload(kind="confirmed", account_id=6))
    with notify_app.extensions["db"]() as session:
        planned = session.scalars(select(ReminderPlan.account_id)).all()
        assert planned == [6]
        assert session.scalar(select(func.count()).select_from(ReminderPlan)) == 1
