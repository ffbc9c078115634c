"""The pure rules of rooms you invite (domain/invited_rooms.py, domain/room_answers.py): which
rooms an organizer's copy invites and for which dates, and the answer written back, which never
changes what the rooms are asked (a property over random series, overrides and answers)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st
from icalendar import Calendar

from services.calendar.domain import invited_rooms, room_answers
from services.calendar.domain.invited_rooms import DEFAULT_TITLE, MAX_DATES, MAX_ROOMS, organizer_copy

DOMAIN = "treffpunkt-jena.de"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
LENA = ["mailto:lena@example.org"]
START = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Jena


def room(n: int) -> str:
    return f"mailto:raum-{n}@{DOMAIN}"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def vevent(*lines: str, rooms=(7,), organizer: str = "mailto:lena@example.org") -> list[str]:
    return [
        "BEGIN:VEVENT",
        "UID:sitzung",
        "DTSTAMP:20260101T000000Z",
        f"ORGANIZER:{organizer}",
        *[f"ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:{room(n)}" for n in rooms],
        *lines,
        "END:VEVENT",
    ]


def calendar(*components: list[str]) -> Calendar:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//DE"]
    for component in components:
        lines += component
    lines.append("END:VCALENDAR")
    return Calendar.from_ical(("\r\n".join(lines) + "\r\n").encode())


def weekly(count: int, *more: str, start: datetime = START, rooms=(7,), summary: str = "Teamsitzung") -> list[str]:
    return vevent(
        f"SUMMARY:{summary}",
        f"DTSTART:{stamp(start)}",
        f"DTEND:{stamp(start + timedelta(hours=1))}",
        f"RRULE:FREQ=WEEKLY;COUNT={count}",
        *more,
        rooms=rooms,
    )


def override(instance: datetime, to: datetime, rooms=(7,), *more: str) -> list[str]:
    return vevent(
        f"RECURRENCE-ID:{stamp(instance)}",
        f"DTSTART:{stamp(to)}",
        f"DTEND:{stamp(to + timedelta(hours=1))}",
        *more,
        rooms=rooms,
    )


def keys_of(request) -> list[str]:
    return [d.key for d in request.dates]


def test_only_the_organizers_copy_invites_and_the_address_is_caseless():
    data = calendar(weekly(2))
    assert organizer_copy(data, ["MAILTO:Lena@Example.org"], DOMAIN, NOW).rooms.keys() == {7}
    assert organizer_copy(data, ["mailto:otto@example.org"], DOMAIN, NOW) is None
    assert organizer_copy(data, [], DOMAIN, NOW) is None
    no_organizer = calendar(["BEGIN:VEVENT", "UID:x", "DTSTART:20261207T090000Z", f"ATTENDEE:{room(7)}", "END:VEVENT"])
    assert organizer_copy(no_organizer, LENA, DOMAIN, NOW) is None


def test_dates_follow_the_overrides_and_skip_cancelled_and_past_ones():
    second, third, fourth = (START + timedelta(weeks=n) for n in (1, 2, 3))
    data = calendar(
        weekly(6, start=START - timedelta(weeks=1)),  # the first one is past
        override(second, second + timedelta(hours=3)),  # moved: asked at its new time
        override(third, third, ()),  # the room taken off this date
        override(fourth, fourth, (7,), "STATUS:CANCELLED"),
    )
    request = organizer_copy(data, LENA, DOMAIN, NOW).rooms[7]
    assert keys_of(request) == [stamp(START), stamp(second), stamp(START + timedelta(weeks=4))]
    assert request.dates[1].start == second + timedelta(hours=3)
    assert request.title == "Teamsitzung"
    # an override can invite a room the series does not have
    data = calendar(weekly(3, rooms=()), override(second, second, (8,)))
    copy = organizer_copy(data, LENA, DOMAIN, NOW)
    assert list(copy.rooms) == [8] and keys_of(copy.rooms[8]) == [stamp(second)]
    # a cancelled master: nothing is asked
    cancelled = calendar(weekly(3, "STATUS:CANCELLED"))
    assert organizer_copy(cancelled, LENA, DOMAIN, NOW).rooms[7].fingerprint == ""


def test_a_single_event_has_the_key_nothing_and_a_default_title():
    data = calendar(vevent(f"DTSTART:{stamp(START)}", f"DTEND:{stamp(START + timedelta(hours=2))}"))
    request = organizer_copy(data, LENA, DOMAIN, NOW).rooms[7]
    assert keys_of(request) == [""] and request.title == DEFAULT_TITLE


def test_bounds_rooms_dates_and_what_the_client_schedules_itself():
    many = calendar(weekly(2, rooms=tuple(range(1, MAX_ROOMS + 3))))
    copy = organizer_copy(many, LENA, DOMAIN, NOW)
    assert list(copy.rooms) == list(range(1, MAX_ROOMS + 1)) and copy.beyond_limit == (MAX_ROOMS + 1, MAX_ROOMS + 2)
    hourly = calendar(
        vevent(
            f"DTSTART:{stamp(START)}", f"DTEND:{stamp(START + timedelta(minutes=30))}", "RRULE:FREQ=HOURLY;COUNT=900"
        )
    )
    assert len(organizer_copy(hourly, LENA, DOMAIN, NOW).rooms[7].dates) == MAX_DATES
    daily = calendar(
        vevent(f"DTSTART:{stamp(START)}", f"DTEND:{stamp(START + timedelta(hours=1))}", "RRULE:FREQ=DAILY")
    )
    dates = organizer_copy(daily, LENA, DOMAIN, NOW).rooms[7].dates
    assert dates[-1].start < NOW + invited_rooms.AHEAD and len(dates) <= 366
    client = calendar(
        weekly(2, rooms=())[:-1] + [f"ATTENDEE;CUTYPE=ROOM;SCHEDULE-AGENT=CLIENT:{room(7)}", "END:VEVENT"]
    )
    assert organizer_copy(client, LENA, DOMAIN, NOW).rooms == {}


def test_an_all_day_event_is_declined_without_asking():
    data = calendar(vevent("DTSTART;VALUE=DATE:20261207", "DTEND;VALUE=DATE:20261208"))
    request = organizer_copy(data, LENA, DOMAIN, NOW).rooms[7]
    assert request.dates == () and request.all_day_keys == ("",) and request.fingerprint == ""


def test_the_answer_written_back_keeps_everything_else_and_adds_an_override_per_declined_date():
    data = calendar(
        weekly(
            3,
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:otto@example.org",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:-PT15M",
            "DESCRIPTION:Bald",
            "END:VALARM",
        )
    )
    one, two, three = (stamp(START + timedelta(weeks=n)) for n in range(3))
    answer = {one: ("ACCEPTED", ""), two: ("DECLINED", "taken"), three: ("ACCEPTED", "")}
    assert room_answers.write_answer(data, 7, DOMAIN, answer)
    assert not room_answers.write_answer(data, 7, DOMAIN, answer), "the same answer twice changes nothing"
    master, added = data.walk("VEVENT")
    assert "RRULE" in master and "RRULE" not in added and added["DTSTART"].dt == START + timedelta(weeks=1)
    assert stamp(added["RECURRENCE-ID"].dt) == two and added.walk("VALARM")
    partstats = lambda c: {str(a): (a.params.get("PARTSTAT"), a.params.get("SCHEDULE-STATUS")) for a in c["ATTENDEE"]}  # noqa: E731
    assert partstats(master) == {room(7): ("ACCEPTED", "2.0"), "mailto:otto@example.org": ("ACCEPTED", None)}
    assert partstats(added)[room(7)] == ("DECLINED", "2.0")

    reply = Calendar.from_ical(room_answers.reply(data, 7, "Saal", DOMAIN, answer, NOW))
    assert str(reply["METHOD"]) == "REPLY"
    first, other = reply.walk("VEVENT")
    assert first["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and "RECURRENCE-ID" not in first
    assert stamp(other["RECURRENCE-ID"].dt) == two and other["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    assert str(other["COMMENT"]) == room_answers.REASONS["taken"] and str(first["REQUEST-STATUS"]) == "2.0;Success"


def test_an_override_is_written_in_the_zone_of_the_series():
    data = Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:z\r\nDTSTAMP:20260101T000000Z\r\n"
        b"DTSTART;TZID=Europe/Berlin:20261207T100000\r\nDTEND;TZID=Europe/Berlin:20261207T110000\r\n"
        b"RRULE:FREQ=WEEKLY;COUNT=2\r\nORGANIZER:mailto:lena@example.org\r\n"
        b"ATTENDEE:mailto:raum-7@treffpunkt-jena.de\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    second = stamp(START + timedelta(weeks=1))
    room_answers.write_answer(data, 7, DOMAIN, {stamp(START): ("ACCEPTED", ""), second: ("DECLINED", "")})
    text = data.to_ical().decode()
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20261214T100000" in text
    assert "DTSTART;TZID=Europe/Berlin:20261214T100000" in text


# --- the fingerprint never changes by the server's own writes ----------------------------------
PARTSTATS = st.sampled_from(("ACCEPTED", "TENTATIVE", "DECLINED", "NEEDS-ACTION"))


@st.composite
def events(draw):
    """A weekly series inviting rooms 7 and 8, with some overrides (moved, a room off, cancelled)."""
    count = draw(st.integers(1, 8))
    components = [weekly(count, rooms=(7, 8))]
    for n in sorted(draw(st.sets(st.integers(0, count - 1), max_size=3))):
        instance = START + timedelta(weeks=n)
        shift = timedelta(hours=draw(st.integers(-2, 2)))
        rooms = draw(st.sampled_from([(7, 8), (7,), (8,), ()]))
        more = ("STATUS:CANCELLED",) if draw(st.booleans()) and n % 3 == 0 else ()
        components.append(override(instance, instance + shift, rooms, *more))
    return calendar(*components)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.data())
def test_writing_answers_back_never_changes_what_the_rooms_are_asked(data, draw):
    before = organizer_copy(data, LENA, DOMAIN, NOW)
    for room_id, request in before.rooms.items():
        answer = {d.key: (draw.draw(PARTSTATS), "taken") for d in request.dates}
        room_answers.write_answer(data, room_id, DOMAIN, answer)
        room_answers.mark(data, room_id, DOMAIN, room_answers.ANSWERED)
    again = organizer_copy(Calendar.from_ical(data.to_ical()), LENA, DOMAIN, NOW)
    assert {r: q.fingerprint for r, q in again.rooms.items()} == {r: q.fingerprint for r, q in before.rooms.items()}
    assert {r: q.dates for r, q in again.rooms.items()} == {r: q.dates for r, q in before.rooms.items()}


def test_the_fingerprint_follows_title_and_dates():
    base = organizer_copy(calendar(weekly(3)), LENA, DOMAIN, NOW).rooms[7].fingerprint
    assert base == organizer_copy(calendar(weekly(3)), LENA, DOMAIN, NOW).rooms[7].fingerprint
    assert base != organizer_copy(calendar(weekly(4)), LENA, DOMAIN, NOW).rooms[7].fingerprint
    assert base != organizer_copy(calendar(weekly(3, summary="Chor")), LENA, DOMAIN, NOW).rooms[7].fingerprint
