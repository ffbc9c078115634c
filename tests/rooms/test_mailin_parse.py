"""Reading invitation mails as Outlook, Thunderbird and Gmail send them (pure: no database, no
server): the calendar part found in each MIME shape, Windows time zones read as the IANA zones
they name, the dates a series asks for (from now, a year ahead, at most 500), one occurrence
sent on its own merged into the whole, cancellations, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from services.rooms.mailin import dates as invited, ical, mime
from services.rooms.mailin.errors import Refused

from tests.support.imip import (
    BERLIN,
    CRLF,
    gmail_calendar,
    gmail_mail,
    next_monday,
    outlook_calendar,
    outlook_event,
    outlook_mail,
    thunderbird_calendar,
    thunderbird_mail,
)

ORGANIZER = "lena@example.org"
ROOM = "raum-1@treffpunkt-jena.de"
OUTLOOK_UID = "040000008200E00074C5B7101A82E00800000000D0B1C2E3F4A5D901000000000000000010000000"


def now() -> datetime:
    return datetime.now(UTC)


def _read(raw: bytes) -> tuple[mime.CalendarMail, ical.Itip]:
    mail = mime.calendar_of(raw)
    return mail, ical.parse(mail.calendar, BERLIN)


def _weekly(count: int = 8, **kw) -> str:
    first = next_monday() + timedelta(hours=10)
    event = outlook_event(
        uid=OUTLOOK_UID,
        organizer=ORGANIZER,
        room=ROOM,
        starts_at=first,
        rrule=f"FREQ=WEEKLY;COUNT={count};BYDAY=MO",
        **kw,
    )
    return outlook_calendar(event)


def test_outlook_a_weekly_series_in_a_windows_time_zone():
    mail, itip = _read(outlook_mail(_weekly(), sender=ORGANIZER, room=ROOM))
    assert (mail.sender, mail.mime_method) == (ORGANIZER, "REQUEST")
    assert (itip.method, itip.uid, itip.organizer, itip.summary, itip.whole) == (
        "REQUEST",
        OUTLOOK_UID,
        ORGANIZER,
        "Elterncafé",
        True,
    )
    found = invited.dates_of(itip.calendar, now(), BERLIN)
    assert len(found) == 8
    for date in found:  # 10:00 to 11:30 in Jena, in winter and summer time alike
        local = date["starts_at"].astimezone(BERLIN)
        assert (local.hour, local.minute, local.weekday()) == (10, 0, 0)
        assert date["ends_at"] - date["starts_at"] == timedelta(minutes=90)
        assert date["key"] == date["starts_at"].strftime("%Y%m%dT%H%M%SZ")


def test_a_windows_zone_follows_the_real_rules_even_where_outlooks_own_definition_lacks_them():
    """Outlook has sent VTIMEZONEs without the daylight part; W. Europe Standard Time is
    Europe/Berlin all the same, so a date in summer is at 10:00 summer time."""
    standard_only = CRLF.join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:W. Europe Standard Time",
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0100",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    )
    summer = datetime(datetime.now(BERLIN).year + 1, 7, 5, 10, 0, tzinfo=BERLIN)
    event = outlook_event(uid=OUTLOOK_UID, organizer=ORGANIZER, room=ROOM, starts_at=summer)
    itip = ical.parse(outlook_calendar(event, zone=standard_only), BERLIN)
    (date,) = invited.dates_of(itip.calendar, now(), BERLIN)
    assert date["key"] == ""  # a one-off event
    assert date["starts_at"] == summer.astimezone(UTC)  # 08:00 UTC: the real summer time


def test_two_senders_customized_time_zones_of_the_same_name_do_not_mix():
    """icalendar caches a VTIMEZONE by its TZID for the whole process: each is renamed by its
    content first, so the second sender's zone is its own."""

    def customized(offset: str) -> str:
        zone = CRLF.join(
            [
                "BEGIN:VTIMEZONE",
                "TZID:Customized Time Zone",
                "BEGIN:STANDARD",
                "DTSTART:16010101T000000",
                f"TZOFFSETFROM:{offset}",
                f"TZOFFSETTO:{offset}",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
        )
        start = next_monday() + timedelta(hours=10)
        event = outlook_event(uid=f"custom-{offset}", organizer=ORGANIZER, room=ROOM, starts_at=start)
        return outlook_calendar(event.replace("W. Europe Standard Time", "Customized Time Zone"), zone=zone)

    first = invited.dates_of(ical.parse(customized("+0300"), BERLIN).calendar, now(), BERLIN)
    second = invited.dates_of(ical.parse(customized("-0500"), BERLIN).calendar, now(), BERLIN)
    assert second[0]["starts_at"] - first[0]["starts_at"] == timedelta(hours=8)


def test_outlook_one_changed_occurrence_is_merged_into_the_whole_series():
    whole = ical.parse(_weekly(), BERLIN)
    series = invited.dates_of(whole.calendar, now(), BERLIN)
    second = series[1]
    moved = second["starts_at"].astimezone(BERLIN) + timedelta(hours=4)  # 14:00 instead of 10:00
    occurrence = outlook_event(
        uid=OUTLOOK_UID,
        organizer=ORGANIZER,
        room=ROOM,
        starts_at=moved,
        recurrence_id=second["starts_at"],
        sequence=1,
    )
    single = ical.parse(outlook_calendar(occurrence), BERLIN)
    assert (single.whole, single.keys, single.sequence) == (False, (second["key"],), 1)
    merged = invited.dates_of(invited.merge(whole.calendar, single.calendar, BERLIN), now(), BERLIN)
    assert len(merged) == 8
    assert [d["key"] for d in merged] == [d["key"] for d in series]  # the key stays the original date
    assert merged[1]["starts_at"] == moved.astimezone(UTC)
    assert merged[2] == series[2]


def test_an_occurrence_alone_asks_for_its_own_date():
    """A room added to one occurrence only gets that occurrence, with its RECURRENCE-ID."""
    original = next_monday(3) + timedelta(hours=10)
    occurrence = outlook_event(
        uid=OUTLOOK_UID, organizer=ORGANIZER, room=ROOM, starts_at=original + timedelta(hours=1), recurrence_id=original
    )
    itip = ical.parse(outlook_calendar(occurrence), BERLIN)
    (date,) = invited.dates_of(itip.calendar, now(), BERLIN)
    assert date["key"] == original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert date["starts_at"] == (original + timedelta(hours=1)).astimezone(UTC)


def test_cancel_of_the_whole_event_and_of_one_occurrence():
    cancel = ical.parse(_weekly(sequence=2).replace("METHOD:REQUEST", "METHOD:CANCEL"), BERLIN)
    assert (cancel.method, cancel.whole, cancel.sequence) == ("CANCEL", True, 2)
    whole = ical.parse(_weekly(), BERLIN)
    series = invited.dates_of(whole.calendar, now(), BERLIN)
    third = series[2]["key"]
    occurrence = outlook_event(
        uid=OUTLOOK_UID,
        organizer=ORGANIZER,
        room=ROOM,
        starts_at=series[2]["starts_at"],
        recurrence_id=series[2]["starts_at"],
        status="CANCELLED",
    )
    one = ical.parse(outlook_calendar(occurrence, method="CANCEL"), BERLIN)
    assert (one.method, one.whole, one.keys) == ("CANCEL", False, (third,))
    left = invited.dates_of(invited.without(whole.calendar, one.keys, BERLIN), now(), BERLIN)
    assert [d["key"] for d in left] == [d["key"] for d in series if d["key"] != third]


def test_thunderbird_takes_the_inline_part_not_the_attachment():
    ics = thunderbird_calendar(
        uid="8f2b1c3e-6d7a-4f0e-9b1a-2c3d4e5f6a7b",
        organizer=ORGANIZER,
        room=ROOM,
        starts_at=next_monday() + timedelta(hours=18),
        rrule="FREQ=WEEKLY;UNTIL=20991231T230000Z",
    )
    mail, itip = _read(thunderbird_mail(ics, sender=ORGANIZER, room=ROOM))
    assert (mail.mime_method, itip.uid, itip.summary) == (
        "REQUEST",
        "8f2b1c3e-6d7a-4f0e-9b1a-2c3d4e5f6a7b",
        "Vorstandssitzung",
    )
    found = invited.dates_of(itip.calendar, now(), BERLIN)
    assert 51 <= len(found) <= 53  # one a week, a year ahead
    assert max(d["starts_at"] for d in found) <= now() + timedelta(days=365)
    assert {d["starts_at"].astimezone(BERLIN).hour for d in found} == {18}


def test_gmail_quoted_printable_one_off_in_utc_and_a_series_in_its_zone():
    start = next_monday(2) + timedelta(hours=15)
    one = gmail_calendar(uid="7kq3c1@google.com", organizer=ORGANIZER, room=ROOM, starts_at=start)
    mail, itip = _read(gmail_mail(one, sender=ORGANIZER, room=ROOM))
    assert (itip.uid, itip.summary, itip.organizer) == ("7kq3c1@google.com", "Nachbarschaftstreff", ORGANIZER)
    assert "Kaffee" in itip.description
    assert invited.dates_of(itip.calendar, now(), BERLIN) == [
        {"key": "", "starts_at": start.astimezone(UTC), "ends_at": (start + timedelta(hours=1)).astimezone(UTC)}
    ]
    series = gmail_calendar(
        uid="9zz@google.com", organizer=ORGANIZER, room=ROOM, starts_at=start, rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=3"
    )
    _, itip = _read(gmail_mail(series, sender=ORGANIZER, room=ROOM))
    assert [d["starts_at"].astimezone(BERLIN).hour for d in invited.dates_of(itip.calendar, now(), BERLIN)] == [15] * 3


def test_at_most_500_dates_and_none_in_the_past():
    first = next_monday() - timedelta(days=14) + timedelta(hours=9)  # began two weeks ago
    event = outlook_event(
        uid="many", organizer=ORGANIZER, room=ROOM, starts_at=first, minutes=30, rrule="FREQ=DAILY;BYHOUR=9,11"
    )
    found = invited.dates_of(ical.parse(outlook_calendar(event), BERLIN).calendar, now(), BERLIN)
    assert len(found) == invited.MAX_DATES
    assert min(d["starts_at"] for d in found) > now()


def test_the_order_of_two_messages_is_sequence_then_dtstamp():
    early = ical.parse(_weekly(sequence=1, dtstamp="20261201T100000Z"), BERLIN)
    later = ical.parse(_weekly(sequence=1, dtstamp="20261202T100000Z"), BERLIN)
    higher = ical.parse(_weekly(sequence=2, dtstamp="20261130T100000Z"), BERLIN)
    assert early.stamp < later.stamp < higher.stamp


@pytest.mark.parametrize(
    "change, code",
    [
        (lambda ics: ics.replace("METHOD:REQUEST", "METHOD:PUBLISH"), "method"),
        (lambda ics: ics.replace("METHOD:REQUEST", "METHOD:COUNTER"), "method"),
        (lambda ics: ics.replace("FREQ=WEEKLY;COUNT=8;BYDAY=MO", "FREQ=MINUTELY"), "recurrence"),
        (lambda ics: ics.replace("FREQ=WEEKLY;COUNT=8;BYDAY=MO", "FREQ=DAILY;INTERVAL=0"), "recurrence"),
        (lambda ics: ics.replace("BEGIN:VEVENT", "BEGIN:VTODO").replace("END:VEVENT", "END:VTODO"), "no_event"),
        (lambda ics: ics.replace(f"UID:{OUTLOOK_UID}", "UID:"), "uid"),
        (lambda ics: "das ist kein Kalender", "unreadable"),
    ],
)
def test_what_a_room_cannot_answer_is_refused_with_its_reason(change, code):
    with pytest.raises(Refused) as refused:
        itip = ical.parse(change(_weekly()), BERLIN)
        invited.dates_of(itip.calendar, now(), BERLIN)
    assert refused.value.code == code


def test_a_mail_without_a_calendar_or_without_a_clear_sender_is_refused():
    plain = (
        b"From: lena@example.org\r\nTo: raum-1@treffpunkt-jena.de\r\nSubject: Hallo\r\n\r\nKann ich den Raum haben?\r\n"
    )
    with pytest.raises(Refused) as refused:
        mime.calendar_of(plain)
    assert refused.value.code == "no_calendar"
    two = outlook_mail(_weekly(), sender=ORGANIZER, room=ROOM).replace(
        b"From: Lena Lobeda <lena@example.org>", b"From: a@example.org, b@example.org"
    )
    with pytest.raises(Refused) as refused:
        mime.calendar_of(two)
    assert refused.value.code == "sender_unclear"


@settings(max_examples=60, deadline=None)
@given(
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    interval=st.integers(1, 5),
    hours=st.lists(st.integers(7, 20), min_size=1, max_size=3, unique=True),
    started_days_ago=st.integers(-30, 800),
    count=st.one_of(st.none(), st.integers(1, 2000)),
)
def test_any_series_gives_at_most_500_coming_dates_within_a_year_each_once(
    freq, interval, hours, started_days_ago, count
):
    start = next_monday() - timedelta(days=started_days_ago) + timedelta(hours=hours[0])
    rule = f"FREQ={freq};INTERVAL={interval};BYHOUR={','.join(map(str, hours))}" + (f";COUNT={count}" if count else "")
    event = outlook_event(uid="prop", organizer=ORGANIZER, room=ROOM, starts_at=start, minutes=45, rrule=rule)
    moment = now()
    found = invited.dates_of(ical.parse(outlook_calendar(event), BERLIN).calendar, moment, BERLIN)
    assert len(found) <= invited.MAX_DATES
    assert len({d["key"] for d in found}) == len(found)
    for date in found:
        assert moment < date["starts_at"] <= moment + invited.HORIZON
        assert date["ends_at"] - date["starts_at"] == timedelta(minutes=45)
    assert [d["starts_at"] for d in found] == sorted(d["starts_at"] for d in found)
