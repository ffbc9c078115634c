"""The pure rules of the people an organizer invites (domain/invited_people.py): who is a person,
what their fingerprint follows, and that neither the rooms' answers written back nor anyone's
PARTSTAT ever changes it (a property over random series, overrides and answers)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st
from icalendar import Calendar

from services.calendar.domain import invited_people, room_answers
from services.calendar.domain.invited_people import MAX_PEOPLE, people_of

DOMAIN = "treffpunkt-jena.de"
LENA = ["mailto:lena@example.org"]
START = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
OTTO, EVA = "mailto:otto@example.org", "mailto:eva@example.org"
ROOM = f"mailto:raum-7@{DOMAIN}"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def vevent(*lines: str, people=(OTTO, EVA), organizer: str = LENA[0]) -> list[str]:
    return [
        "BEGIN:VEVENT",
        "UID:sitzung",
        "DTSTAMP:20260101T000000Z",
        f"ORGANIZER;CN=Lena Lobeda:{organizer}",
        f"ATTENDEE;PARTSTAT=ACCEPTED:{LENA[0]}",
        f"ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:{ROOM}",
        *[f"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:{p}" for p in people],
        *lines,
        "END:VEVENT",
    ]


def weekly(count: int, *more: str, people=(OTTO, EVA), summary: str = "Teamsitzung") -> list[str]:
    return vevent(
        f"SUMMARY:{summary}",
        f"DTSTART:{stamp(START)}",
        f"DTEND:{stamp(START + timedelta(hours=1))}",
        f"RRULE:FREQ=WEEKLY;COUNT={count}",
        *more,
        people=people,
    )


def override(instance: datetime, to: datetime, people=(OTTO, EVA), *more: str) -> list[str]:
    return vevent(
        "SUMMARY:Teamsitzung",
        f"RECURRENCE-ID:{stamp(instance)}",
        f"DTSTART:{stamp(to)}",
        f"DTEND:{stamp(to + timedelta(hours=1))}",
        *more,
        people=people,
    )


def calendar(*components: list[str]) -> Calendar:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//DE"]
    for component in components:
        lines += component
    lines.append("END:VCALENDAR")
    return Calendar.from_ical(("\r\n".join(lines) + "\r\n").encode())


def prints(data: Calendar) -> dict[str, tuple[str, tuple[str, ...]]]:
    found = people_of(Calendar.from_ical(data.to_ical()), LENA, DOMAIN)
    assert found is not None
    return {a: (i.fingerprint, i.dropped) for a, i in found.people.items()}


def test_people_are_mailto_attendees_but_rooms_the_organizer_and_those_the_client_keeps():
    data = calendar(
        weekly(2, "ATTENDEE;SCHEDULE-AGENT=CLIENT:mailto:kai@example.org", "ATTENDEE:urn:uuid:1234", people=(OTTO,)),
        override(START + timedelta(weeks=1), START + timedelta(weeks=1), (OTTO, "MAILTO:Eva@Example.org")),
    )
    found = people_of(data, ["MAILTO:Lena@example.org"], DOMAIN)
    assert found is not None and list(found.people) == [OTTO, EVA]
    assert (found.uid, found.summary, found.organizer_name, found.sequence) == (
        "sitzung",
        "Teamsitzung",
        "Lena Lobeda",
        0,
    )
    assert people_of(data, ["mailto:otto@example.org"], DOMAIN) is None, "another organizer's copy"


def test_beyond_fifty_people_are_not_invited():
    many = tuple(f"mailto:p{n}@example.org" for n in range(MAX_PEOPLE + 2))
    found = people_of(calendar(weekly(1, people=many)), LENA, DOMAIN)
    assert found is not None and len(found.people) == MAX_PEOPLE
    assert found.beyond_limit == many[MAX_PEOPLE:]


def test_the_fingerprint_follows_what_the_person_is_invited_to():
    base = prints(calendar(weekly(3)))
    assert base == prints(calendar(weekly(3)))
    assert base[OTTO] != prints(calendar(weekly(4)))[OTTO]
    assert base[OTTO] != prints(calendar(weekly(3, summary="Chor")))[OTTO]
    assert base[OTTO] != prints(calendar(weekly(3, "LOCATION:Saal")))[OTTO]
    assert base[OTTO] != prints(calendar(weekly(3, "SEQUENCE:1")))[OTTO]
    assert base == prints(calendar(weekly(3)[:3] + ["DTSTAMP:20270101T000000Z"] + weekly(3)[3:]))
    second = START + timedelta(weeks=1)
    moved = prints(calendar(weekly(3), override(second, second + timedelta(hours=2))))
    assert moved[OTTO] != base[OTTO] and moved[EVA] != base[EVA]
    # Eva taken off one date: her fingerprint keeps the rest and names the date; Otto's stays
    off = prints(calendar(weekly(3), override(second, second, (OTTO,))))
    assert off[OTTO] == base[OTTO]
    assert off[EVA] == (base[EVA][0], (stamp(second),))


def test_an_override_that_repeats_the_masters_instance_counts_for_nothing():
    second = START + timedelta(weeks=1)
    assert prints(calendar(weekly(3), override(second, second))) == prints(calendar(weekly(3)))


def test_the_request_carries_the_event_without_the_servers_parameters_and_the_cancel_one_more_sequence():
    data = calendar(weekly(2, "SEQUENCE:4"))
    invited_people.mark(data, OTTO, invited_people.SENT)
    request = Calendar.from_ical(invited_people.request(data))
    assert str(request["METHOD"]) == "REQUEST" and b"SCHEDULE-STATUS" not in request.to_ical()
    [event] = request.walk("VEVENT")
    assert str(event["UID"]) == "sitzung" and event["SEQUENCE"] == 4
    cancel = Calendar.from_ical(invited_people.cancel(data, "sitzung", 4, OTTO, LENA[0]))
    [gone] = cancel.walk("VEVENT")
    assert str(cancel["METHOD"]) == "CANCEL" and str(gone["STATUS"]) == "CANCELLED" and gone["SEQUENCE"] == 5
    assert str(gone["ATTENDEE"]) == OTTO and "RRULE" in gone
    one = Calendar.from_ical(invited_people.cancel(data, "sitzung", 4, OTTO, LENA[0], [stamp(START)]))
    [date] = one.walk("VEVENT")
    assert date["RECURRENCE-ID"].dt == START and "RRULE" not in date
    assert str(date["UID"]) == "sitzung"


# --- the fingerprint never changes by answers ----------------------------------------------------
PARTSTATS = st.sampled_from(("ACCEPTED", "TENTATIVE", "DECLINED", "NEEDS-ACTION"))


@st.composite
def events(draw):
    """A weekly series inviting Otto, Eva and room 7, with some overrides (moved, someone off, cancelled)."""
    count = draw(st.integers(1, 8))
    components = [weekly(count)]
    for n in sorted(draw(st.sets(st.integers(0, count - 1), max_size=3))):
        instance = START + timedelta(weeks=n)
        shift = timedelta(hours=draw(st.integers(-2, 2)))
        people = draw(st.sampled_from([(OTTO, EVA), (OTTO,), (EVA,), ()]))
        more = ("STATUS:CANCELLED",) if draw(st.booleans()) and n % 3 == 0 else ()
        components.append(override(instance, instance + shift, people, *more))
    return calendar(*components)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.data())
def test_rooms_answers_and_partstats_never_change_a_persons_fingerprint(data, draw):
    from services.calendar.domain.invited_rooms import organizer_copy

    before = prints(data)
    copy = organizer_copy(data, LENA, DOMAIN, NOW)
    assert copy is not None
    for room_id, request in copy.rooms.items():
        answer = {d.key: (draw.draw(PARTSTATS), "taken") for d in request.dates}
        room_answers.write_answer(data, room_id, DOMAIN, answer)
        room_answers.mark(data, room_id, DOMAIN, room_answers.ANSWERED)
    for component in data.walk("VEVENT"):
        attendees = component.get("ATTENDEE", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            attendee.params["PARTSTAT"] = draw.draw(PARTSTATS)
            if draw.draw(st.booleans()):
                attendee.params["SCHEDULE-STATUS"] = draw.draw(st.sampled_from(("1.1", "2.0", "5.3")))
    assert prints(data) == before
