"""The room's iTIP REPLY (services/rooms/domain/itip_reply.py), read back with icalendar: one
VEVENT with the answer most dates have, one more per date answered otherwise (RECURRENCE-ID in
UTC), the organizer's SEQUENCE, the room as ATTENDEE with its PARTSTAT and name."""

from __future__ import annotations

from datetime import date, datetime, timezone

import icalendar
import pytest
from hypothesis import given, strategies as st

from services.rooms.domain import itip_reply
from services.rooms.domain.itip_reply import DateReply

NOW = datetime(2026, 12, 5, 20, 0, tzinfo=timezone.utc)
KEYS = ["20261207T083000Z", "20261214T083000Z", "20261221T083000Z", "20261228T083000Z"]


def _reply(dates, sequence=2) -> icalendar.Calendar:
    text = itip_reply.reply(
        uid="sitzung@example.org",
        organizer="mailto:Otto@example.org",
        room_address="raum-7@treffpunkt-jena.de",
        room_name="Großer Saal, Lobeda",
        summary="Teamsitzung",
        sequence=sequence,
        dates=dates,
        now=NOW,
    )
    return icalendar.Calendar.from_ical(text)


def test_a_single_event_gets_one_vevent_without_recurrence_id():
    parsed = _reply([DateReply("", "ACCEPTED")])
    assert str(parsed["METHOD"]) == "REPLY" and str(parsed["VERSION"]) == "2.0"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == "sitzung@example.org" and int(event["SEQUENCE"]) == 2
    assert event["DTSTAMP"].dt == NOW and "RECURRENCE-ID" not in event
    assert str(event["ORGANIZER"]) == "mailto:Otto@example.org"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:raum-7@treffpunkt-jena.de"
    assert (attendee.params["PARTSTAT"], attendee.params["CN"], attendee.params["CUTYPE"]) == (
        "ACCEPTED",
        "Großer Saal, Lobeda",
        "ROOM",
    )


def test_a_series_answered_alike_is_one_vevent():
    parsed = _reply([DateReply(k, "TENTATIVE") for k in KEYS])
    (event,) = parsed.walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"


def test_dates_answered_otherwise_get_a_vevent_each_with_their_recurrence_id_in_utc():
    dates = [
        DateReply(KEYS[0], "ACCEPTED"),
        DateReply(KEYS[1], "DECLINED"),
        *(DateReply(k, "ACCEPTED") for k in KEYS[2:]),
    ]
    master, instance = _reply(dates).walk("VEVENT")
    assert master["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and "RECURRENCE-ID" not in master
    assert instance["RECURRENCE-ID"].dt == datetime(2026, 12, 14, 8, 30, tzinfo=timezone.utc)
    assert instance["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    assert str(instance["UID"]) == "sitzung@example.org" and int(instance["SEQUENCE"]) == 2
    assert itip_reply.overall(dates) == "MIXED"


def test_the_answer_most_dates_have_goes_on_the_master():
    dates = [DateReply(KEYS[0], "ACCEPTED"), *(DateReply(k, "DECLINED") for k in KEYS[1:])]
    master, instance = _reply(dates).walk("VEVENT")
    assert master["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    assert (instance["RECURRENCE-ID"].dt, instance["ATTENDEE"].params["PARTSTAT"]) == (
        datetime(2026, 12, 7, 8, 30, tzinfo=timezone.utc),
        "ACCEPTED",
    )


def test_a_day_key_is_a_date_recurrence_id_and_an_unknown_key_stays_with_the_master():
    assert itip_reply.instant("20261207") == date(2026, 12, 7)
    assert itip_reply.instant("not-a-date") is None
    dates = [DateReply(KEYS[0], "ACCEPTED"), DateReply(KEYS[1], "ACCEPTED"), DateReply("x", "DECLINED")]
    assert len(_reply(dates).walk("VEVENT")) == 1


def test_a_reply_answers_at_least_one_date():
    with pytest.raises(ValueError):
        _reply([])


def test_addresses():
    assert itip_reply.room_address(12, "treffpunkt-jena.de") == "raum-12@treffpunkt-jena.de"
    assert itip_reply.mail_address("MAILTO:otto@example.org ") == "otto@example.org"
    assert itip_reply.mail_address("otto@example.org") == "otto@example.org"
    assert itip_reply.overall([DateReply("", "ACCEPTED")]) == "ACCEPTED" and itip_reply.overall([]) == ""


@given(st.lists(st.sampled_from(["ACCEPTED", "TENTATIVE", "DECLINED"]), min_size=1, max_size=len(KEYS)))
def test_every_date_reads_back_with_its_own_answer(partstats):
    dates = [DateReply(k, p) for k, p in zip(KEYS, partstats)]
    master, *instances = _reply(dates).walk("VEVENT")
    by_instance = {
        e["RECURRENCE-ID"].dt.strftime("%Y%m%dT%H%M%SZ"): e["ATTENDEE"].params["PARTSTAT"] for e in instances
    }
    read = {d.key: by_instance.get(d.key, master["ATTENDEE"].params["PARTSTAT"]) for d in dates}
    assert read == {d.key: d.partstat for d in dates}
