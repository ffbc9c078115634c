"""What a notice says from either side (booker or room owner): who asks and what for, partial
approval with comments, what a change moved or cancelled, the reason, one word for approval;
which notices carry an invitation and what its DESCRIPTION holds. Pure domain, read back with
icalendar and the standard email parser."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from shared import contracts

from services.notify.domain import itip, mime, outgoing_email, sms
from services.notify.domain.notice import Notice, Person
from services.notify.domain.texts import render

from tests.support.notify import FIRST, notice_payload

MAIL_FROM = "Treffpunkt Jena <noreply@treffpunkt-jena.de>"
OTTO = {
    "name": "Otto Muster",
    "partner_name": "AWO Begegnungsstätte Nord",
    "email": "otto@example.org",
    "phone": "+49 160 9876543",
}
# Tue 12 Jan 2027 16:00 in Jena (CET), moved to Wed 13 Jan 2027 17:00
WAS = datetime(2027, 1, 12, 15, 0, tzinfo=timezone.utc)
NOW = datetime(2027, 1, 13, 16, 0, tzinfo=timezone.utc)


def load(payload: dict) -> Notice:
    return Notice.from_message(contracts.load("notify.booking_notice", payload))


def notice(**kwargs) -> Notice:
    return load(notice_payload(**kwargs))


def with_dates(states, kind="approved", comments=None, **kwargs) -> Notice:
    """A weekly series whose dates have the given states (and owner's comments)."""
    payload = notice_payload(kind=kind, weeks=len(states), **kwargs)
    for occurrence, state, comment in zip(payload["occurrences"], states, comments or [""] * len(states)):
        occurrence["state"], occurrence["comment"] = state, comment
    return load(payload)


def moved(kind="changed", reason="Der Saal wird gestrichen", **kwargs) -> Notice:
    """Three dates: the first moved from Tuesday 16–18 to Wednesday 17–19, the last cancelled."""
    payload = notice_payload(kind=kind, weeks=3, sequence=2, reason=reason, **kwargs)
    first, _, last = payload["occurrences"]
    first.update(
        starts_at=NOW, ends_at=NOW + timedelta(hours=2), was_starts_at=WAS, was_ends_at=WAS + timedelta(hours=2)
    )
    for o, week in zip(payload["occurrences"][1:], (1, 2)):
        o.update(starts_at=NOW + timedelta(weeks=week), ends_at=NOW + timedelta(weeks=week, hours=2))
    last["state"] = "cancelled"
    return load(payload)


def every_notice():
    """Each kind from each side in each language, with every optional field filled."""
    for kind in contracts.NOTICE_KINDS:
        for role in ("booker", "owner"):
            for language in ("de", "en"):
                yield with_dates(
                    ["valid", "declined", "pending", "valid"],
                    kind=kind,
                    comments=["", "Renovierung", "", ""],
                    role=role,
                    booker=OTTO,
                    language=language,
                    description="Tanz für alle",
                    reason="Krankheit",
                )


def test_every_new_field_is_read():
    payload = notice_payload(
        kind="changed", weeks=2, role="owner", booker=OTTO, description=" Yoga für Ältere ", reason="Wasserschaden"
    )
    payload["occurrences"][0].update(
        state="pending", comment="Nur bis 18 Uhr", was_starts_at=WAS, was_ends_at=WAS + timedelta(hours=2)
    )
    payload["occurrences"][1]["state"] = "declined"
    n = load(payload)
    assert (n.role, n.to_owner, n.description, n.reason) == ("owner", True, "Yoga für Ältere", "Wasserschaden")
    assert n.booker == Person("Otto Muster", "AWO Begegnungsstätte Nord", "otto@example.org", "+49 160 9876543")
    first, second = n.occurrences
    assert (first.state, first.pending, first.booked, first.comment) == ("pending", True, False, "Nur bis 18 Uhr")
    assert first.was is not None and first.was.starts_at == WAS
    assert second.state == "declined" and second.cancelled and second.was is None


def test_an_old_sender_without_the_new_fields_is_a_booker_notice():
    n = notice()
    assert (n.role, n.booker, n.description, n.reason) == ("booker", None, "", "")
    assert all(o.state == "valid" and o.comment == "" and o.was is None for o in n.occurrences)


def test_declined_dates_are_cancelled_for_the_calendar_and_pending_ones_not_in_it():
    n = with_dates(["valid", "declined", "pending", "valid"])
    assert n.invites and not n.cancels
    assert [o.starts_at for o in n.calendar_occurrences] == [FIRST, FIRST + timedelta(weeks=3)]
    event = icalendar.Calendar.from_ical(itip.invitation(n, MAIL_FROM, n.title)).walk("VEVENT")[0]
    rdates = [d.dt for d in event["RDATE"].dts]
    assert event.decoded("DTSTART") == FIRST and [d.astimezone(timezone.utc) for d in rdates] == [
        FIRST + timedelta(weeks=3)
    ]
    assert str(event["STATUS"]) == "CONFIRMED"
    everything_declined = with_dates(["declined", "declined"])
    assert everything_declined.cancels and itip.method_of(everything_declined) == "CANCEL"


def test_pending_dates_wait_for_approval_in_both_languages():
    de = render(with_dates(["valid", "pending"], kind="changed"))
    assert "Fr. 27.03.2026, 14:00–16:00 Uhr – wartet auf Freigabe" in de.text
    assert "Eine Kalendereinladung bekommen Sie mit der Freigabe." not in de.text  # one date is booked
    en = render(with_dates(["pending", "pending"], kind="changed", language="en"))
    assert "Fri 20 Mar 2026, 14:00–16:00 – awaiting approval" in en.text
    assert "You will get a calendar invitation with the approval." in en.text


@pytest.mark.parametrize("role", ["booker", "owner"])
def test_a_request_carries_no_invitation_from_either_side(role):
    n = notice(kind="requested", role=role, booker=OTTO)
    assert not n.invites
    texts = render(n)
    assert "Kalendereinladung im Anhang" not in texts.text and "Nachricht im Anhang" not in texts.text


@pytest.mark.parametrize("kind", ["changed", "cancelled", "approved", "confirmed"])
def test_an_owner_is_no_participant_and_gets_no_invitation(kind):
    n = notice(kind=kind, role="owner", booker=OTTO)
    assert not n.invites and "Anhang" not in render(n).text


@pytest.mark.parametrize("kind", ["confirmed", "approved", "changed", "cancelled"])
def test_a_booking_made_by_inviting_the_room_brings_no_second_calendar_entry(kind):
    """The booker's own event (the one the room was invited to) is their calendar entry: an
    invitation in the email would add the same meeting twice."""
    n = notice(kind=kind, in_own_calendar=True)
    assert not n.invites
    email_text = render(n).text
    assert "Kalendereinladung" not in email_text and "Anhang" not in email_text
    assert (
        "Kalendereinladung bekommen Sie mit der Freigabe"
        not in render(with_dates(["pending"], in_own_calendar=True)).text
    )


def test_a_change_that_waits_for_approval_as_a_whole_brings_no_invitation_yet():
    assert not with_dates(["pending", "pending"], kind="changed").invites
    assert with_dates(["valid", "pending"], kind="changed").invites


def test_the_request_to_the_owner_says_who_asks_what_for_and_how_to_decide():
    n = notice(kind="requested", role="owner", booker=OTTO, description="Yoga für Ältere", weeks=3)
    texts = render(n)
    assert texts.subject == "Anfrage zur Freigabe: Krabbelgruppe"
    for fact in (
        "Angefragt von: Otto Muster",
        "Partner: AWO Begegnungsstätte Nord",
        "E-Mail: otto@example.org",
        "Telefon: +49 160 9876543",
        "Wofür: Yoga für Ältere",
        "„Krabbelgruppe“ von Otto Muster (AWO Begegnungsstätte Nord)",
        "Der Raum ist erst gebucht, wenn Sie die Anfrage freigeben.",
        "Angefragte Termine:",
        "  - Fr. 27.03.2026, 14:00–16:00 Uhr",
        "Anfrage ansehen und entscheiden: http://127.0.0.1:8080/rooms/bookings/42",
    ):
        assert fact in texts.text, fact
    assert '<a href="http://127.0.0.1:8080/rooms/bookings/42">Anfrage ansehen und entscheiden</a>' in texts.html
    assert "Otto Muster" in texts.html and "otto@example.org" in texts.html
    en = render(notice(kind="requested", role="owner", booker=OTTO, description="Yoga", language="en"))
    assert en.subject == "Request to approve: Krabbelgruppe"
    assert "Requested by: Otto Muster" in en.text and "Phone: +49 160 9876543" in en.text
    assert "The room is booked only once you approve the request." in en.text


def test_the_booker_is_told_the_room_is_booked_only_after_approval():
    text = render(notice(kind="requested")).text
    assert "Der Raum ist erst für Sie gebucht, wenn MGH Lobeda die Anfrage freigibt." in text


def test_what_the_booker_wrote_is_escaped_in_the_owners_html():
    n = notice(
        kind="requested",
        role="owner",
        booker={**OTTO, "name": "<b>Otto</b>", "partner_name": '"><script>x()</script>'},
        description="<img src=x onerror=alert(1)>",
        reason="<i>nie</i>",
    )
    page = render(n).html
    assert "<b>Otto" not in page and "<script>" not in page and "<img" not in page and "<i>nie" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_partial_approval_lists_approved_and_declined_dates_with_comments():
    n = with_dates(
        ["valid", "declined", "valid", "declined"],
        comments=["Schlüssel beim Empfang", "Saal wird renoviert", "", ""],
    )
    texts = render(n)
    assert texts.subject == "Anfrage teilweise freigegeben: Krabbelgruppe"
    approved = texts.text.split("Freigegeben:\n")[1].split("\n\n")[0]
    declined = texts.text.split("Abgelehnt:\n")[1].split("\n\n")[0]
    assert approved.splitlines() == [
        "  - Fr. 20.03.2026, 14:00–16:00 Uhr (Anmerkung: Schlüssel beim Empfang)",
        "  - Fr. 03.04.2026, 15:00–17:00 Uhr",
    ]
    assert declined.splitlines() == [
        "  - Fr. 27.03.2026, 14:00–16:00 Uhr (Anmerkung: Saal wird renoviert)",
        "  - Fr. 10.04.2026, 15:00–17:00 Uhr",
    ]
    assert "<h2" in texts.html and "Saal wird renoviert" in texts.html
    assert texts.sms.startswith("Anfrage teilweise freigegeben: Krabbelgruppe")
    en = render(with_dates(["valid", "declined"], comments=["", "Closed"], language="en"))
    assert (
        en.subject == "Request partly approved: Krabbelgruppe"
        and "Fri 27 Mar 2026, 14:00–16:00 (Note: Closed)" in en.text
    )
    full = render(with_dates(["valid", "valid"]))
    assert full.subject == "Anfrage freigegeben: Krabbelgruppe" and "teilweise" not in full.text


def test_a_change_says_what_moved_what_is_cancelled_and_why():
    texts = render(moved())
    assert "  - Di. 12.01.2027, 16:00–18:00 → Mi. 13.01.2027, 17:00–19:00 Uhr" in texts.text
    assert "  - Mi. 27.01.2027, 17:00–19:00 Uhr – fällt aus" in texts.text
    assert "Grund: Der Saal wird gestrichen" in texts.text
    assert texts.text.index("Was sich ändert:") < texts.text.index("Gebuchte Termine:")
    booked = texts.text.split("Gebuchte Termine:\n")[1].split("\n\n")[0].splitlines()
    assert booked == ["  - Mi. 13.01.2027, 17:00–19:00 Uhr", "  - Mi. 20.01.2027, 17:00–19:00 Uhr"]
    assert "Di. 12.01.2027, 16:00–18:00 → Mi. 13.01.2027, 17:00–19:00 Uhr" in texts.html
    en = render(moved(language="en"))
    assert "Tue 12 Jan 2027, 16:00–18:00 → Wed 13 Jan 2027, 17:00–19:00" in en.text
    assert "Wed 27 Jan 2027, 17:00–19:00 – cancelled" in en.text and "Reason: Der Saal wird gestrichen" in en.text
    assert "Grund: Der Saal wird gestrichen" in texts.sms and sms.segments(texts.sms) <= 2


def test_the_owner_hears_whose_booking_changed_and_was_cancelled_with_the_reason():
    changed = render(moved(role="owner", booker=OTTO))
    assert changed.subject == "Buchung in Ihrem Raum geändert: Krabbelgruppe"
    assert "die Buchung „Krabbelgruppe“ von Otto Muster (AWO Begegnungsstätte Nord) in Ihrem Raum" in changed.text
    assert "Di. 12.01.2027, 16:00–18:00 → Mi. 13.01.2027, 17:00–19:00 Uhr" in changed.text
    assert "Gebucht von: Otto Muster" in changed.text and "Telefon: +49 160 9876543" in changed.text
    assert "Grund: Der Saal wird gestrichen" in changed.text
    cancelled = render(notice(kind="cancelled", role="owner", booker=OTTO, reason="Kursleiterin krank"))
    assert cancelled.subject == "Buchung in Ihrem Raum abgesagt: Krabbelgruppe"
    assert "Der Raum ist zu diesen Terminen wieder frei." in cancelled.text
    assert "Grund: Kursleiterin krank" in cancelled.text
    assert '<th scope="row">Grund</th><td>Kursleiterin krank</td>' in cancelled.html


def test_a_cancellation_carries_its_reason_in_email_and_sms():
    texts = render(notice(kind="cancelled", reason="Wasserschaden im Saal"))
    assert "Grund: Wasserschaden im Saal" in texts.text
    assert '<th scope="row">Grund</th><td>Wasserschaden im Saal</td>' in texts.html
    assert "Grund: Wasserschaden im Saal." in texts.sms
    en = render(notice(kind="cancelled", reason="Water damage", language="en"))
    assert "Reason: Water damage" in en.text and "Reason: Water damage." in en.sms


def test_long_owner_notices_still_fit_two_sms_segments_with_date_and_link():
    n = moved(
        role="owner",
        booker={**OTTO, "name": "Maximiliane Mustermann-Überlänge " * 5},
        title="Gemeinsames Mittagessen für Jung und Alt " * 5,
        reason="Der Saal wird gestrichen und die Heizung erneuert, " * 9,
    )
    text = render(n).sms
    assert sms.segments(text) <= 2
    assert "13.01.2027" in text and "http://127.0.0.1:8080/rooms/bookings/42" in text


@pytest.mark.parametrize("n", list(every_notice()), ids=lambda n: f"{n.kind}-{n.role}-{n.language}")
def test_one_word_for_approval_and_sms_within_two_segments(n):
    texts = render(n)
    for part in (texts.subject, texts.text, texts.html, texts.sms):
        assert not re.search(r"genehmig|Bestätigung", part), part
    assert sms.segments(texts.sms) <= 2


@pytest.mark.parametrize(
    "weeks, de, en, de_sms, en_sms",
    [
        (11, "und 1 weiterer Termin", "and 1 more date", "(+10 weitere)", "(+10 more)"),
        (13, "und 3 weitere Termine", "and 3 more dates", "(+12 weitere)", "(+12 more)"),
        (2, None, None, "(+1 weiterer)", "(+1 more)"),
    ],
)
def test_more_dates_are_counted_in_correct_german_and_english(weeks, de, en, de_sms, en_sms):
    """The email counts the dates after the ten it lists, the SMS all after the first."""
    german, english = render(notice(weeks=weeks)), render(notice(weeks=weeks, language="en"))
    if de:
        assert de in german.text and de in german.html and en in english.text
    assert de_sms in german.sms and en_sms in english.sms


def test_the_invitation_describes_the_booking_not_the_email():
    n = replace(
        notice(description="Yoga für Ältere; bitte Matten mitbringen"), preferences_url="https://x.example/p/geheim"
    )
    assert "https://x.example/p/geheim" in render(n).text  # the email has the personal link, the calendar must not
    ics = itip.invitation(n, MAIL_FROM, n.title).decode()
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert (
        str(event["DESCRIPTION"])
        == "Yoga für Ältere; bitte Matten mitbringen\n\nhttp://127.0.0.1:8080/rooms/bookings/42"
    )
    assert "Hallo" not in ics and "geheim" not in ics and "Benachrichtigungen" not in ics
    assert "DESCRIPTION" not in itip.invitation(notice(link=""), MAIL_FROM, "x").decode()


def test_an_email_without_invitation_has_no_calendar_part_and_no_attachment():
    n = notice(kind="requested", role="owner", booker=OTTO)
    texts = render(n)
    wire = outgoing_email.email_of(n, texts, MAIL_FROM, datetime(2027, 1, 1, tzinfo=timezone.utc))
    msg = email.message_from_string(wire, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.walk()] == ["multipart/alternative", "text/plain", "text/html"]
    assert msg.get_body(("plain",)).get_content() == texts.text
    read = mime.read_email(wire)
    assert read.calendar == "" and "Otto Muster" in read.text


def test_a_change_lists_only_the_dates_it_touched_and_keeps_the_rest_in_their_place():
    """Earlier cancellations and declines are not news: with `touched` dates, "Was sich ändert"
    holds only those; the rest is listed as booked or waiting."""
    payload = notice_payload(kind="changed", weeks=4, sequence=3, reason="Krankheit")
    states = ("pending", "declined", "valid", "cancelled")
    for o, state in zip(payload["occurrences"], states):
        o["state"] = state
    payload["occurrences"][3]["touched"] = True
    text = render(load(payload)).text
    changes = text.split("Was sich ändert:")[1].split("\n\n")[0]
    assert changes.count("\n  - ") == 1 and "fällt aus" in changes and "abgelehnt" not in changes
    assert "Gebuchter Termin:" in text and "Wartet auf Freigabe:" in text


def test_a_request_after_a_move_asks_only_for_the_moved_date_and_says_from_where():
    payload = notice_payload(kind="requested", role="owner", weeks=3, sequence=2, booker=OTTO)
    first = payload["occurrences"][0]
    first.update(state="pending", touched=True, was_starts_at=WAS, was_ends_at=WAS + timedelta(hours=2))
    text = render(load(payload)).text
    asked = text.split("Angefragter Termin:")[1].split("\n\n")[0]
    assert "→" in asked and asked.count("\n  - ") == 1
    assert "Gebuchte Termine:" in text
