"""Free/busy of rooms before inviting them (RFC 6638 §5.1): a VFREEBUSY REQUEST POSTed to the
user's schedule outbox, as the caldav library, Thunderbird and Apple Calendar send it, answered
with the room's busy times from its bookings, over real HTTP against the front door."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import caldav
import pytest
import requests
from icalendar import Calendar
from lxml import etree

from tests.support.calendar import booking_message, room_message

UTC = timezone.utc
NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav"}
ROOM = "mailto:raum-7@treffpunkt-jena.de"
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
OUTBOX = "/dav/principals/lena/outbox/"


def span(day: int, hour: int, minutes: int) -> dict:
    start = MONDAY + timedelta(days=day, hours=hour)
    return {"starts_at": start, "ends_at": start + timedelta(minutes=minutes)}


@pytest.fixture
def world(people, run_task):
    """Room 7 booked on Tuesday 10-12 and Thursday 17-19:30 UTC of the week from MONDAY; a booking
    the week after and a cancelled one inside the week do not count; room 8 has none."""
    run_task("calendar.room_changed", room_message())
    run_task("calendar.room_changed", room_message(room_id=8, name="Küche im Anbau"))
    for booking_id, occurrence, status in (
        (1, span(1, 10, 120), "confirmed"),
        (2, span(3, 17, 150), "confirmed"),
        (3, span(8, 10, 60), "confirmed"),
        (4, span(2, 8, 60), "cancelled"),
    ):
        run_task(
            "calendar.booking_changed",
            booking_message(booking_id=booking_id, uid=f"b{booking_id}@x", status=status, occurrences=[occurrence]),
        )
    return people


def freebusy_lines(ics: str) -> list[str]:
    component = next(c for c in Calendar.from_ical(ics).walk() if c.name == "VFREEBUSY")
    return [line for line in component.to_ical().decode().splitlines() if line.startswith("FREEBUSY")]


WEEK_BUSY = [
    "FREEBUSY;FBTYPE=BUSY:20260303T100000Z/20260303T120000Z",
    "FREEBUSY;FBTYPE=BUSY:20260305T170000Z/20260305T193000Z",
]


def test_caldav_library_asks_a_rooms_free_busy_for_a_week(live, world):
    with caldav.DAVClient(url=live.url + "/dav/", username="lena", password=world["lena"]["app_password"]) as client:
        me = client.principal()
        answer = me.freebusy_request(MONDAY, MONDAY + timedelta(days=7), [ROOM])
    assert answer["errors"] == {}
    reply = answer[ROOM].data
    assert "METHOD:REPLY" in reply
    assert freebusy_lines(reply) == WEEK_BUSY
    vfreebusy = next(c for c in Calendar.from_ical(reply).walk() if c.name == "VFREEBUSY")
    assert str(vfreebusy["ORGANIZER"]) == "mailto:lena@example.org"
    assert vfreebusy["DTSTART"].dt == MONDAY and vfreebusy["DTEND"].dt == MONDAY + timedelta(days=7)


def post(live, people, body: str, username: str = "lena", **headers) -> requests.Response:
    return requests.post(
        live.url + OUTBOX,
        data=body.replace("\n", "\r\n").encode(),
        headers={"Content-Type": "text/calendar; charset=utf-8", **headers},
        auth=(username, people[username]["app_password"]) if username else None,
        timeout=10,
    )


def responses(answer: requests.Response) -> dict[str, tuple[str, str]]:
    """recipient -> (request-status, calendar-data)."""
    assert answer.status_code == 200, answer.text
    tree = etree.fromstring(answer.content)
    assert tree.tag == "{urn:ietf:params:xml:ns:caldav}schedule-response"
    return {
        r.findtext("C:recipient/D:href", namespaces=NS): (
            r.findtext("C:request-status", namespaces=NS),
            r.findtext("C:calendar-data", namespaces=NS) or "",
        )
        for r in tree.findall("C:response", NS)
    }


# Thunderbird's attendee availability grid: Originator and Recipient headers, one ATTENDEE
# per recipient, the organizer asking for itself too
THUNDERBIRD = """BEGIN:VCALENDAR
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VFREEBUSY
DTSTAMP:20260301T120000Z
ORGANIZER:mailto:lena@example.org
DTSTART:{start}
DTEND:{end}
UID:6d3c4c2a-7a36-4bd3-9c39-1a2b3c4d5e6f
ATTENDEE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;CUTYPE=INDIVIDUAL:mailto:lena@example.org
{attendees}
END:VFREEBUSY
END:VCALENDAR
"""


def thunderbird(attendees: list[str], start="20260302T000000Z", end="20260309T000000Z") -> str:
    lines = "\n".join(f"ATTENDEE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;CUTYPE=ROOM:{a}" for a in attendees)
    return THUNDERBIRD.format(start=start, end=end, attendees=lines)


def test_thunderbird_shape_rooms_known_and_unknown(live, world):
    body = thunderbird([ROOM, "mailto:RAUM-8@Treffpunkt-Jena.de", "mailto:raum-999@treffpunkt-jena.de"])
    found = responses(
        post(
            live,
            world,
            body,
            Originator="mailto:lena@example.org",
            Recipient=f"mailto:lena@example.org, {ROOM}, mailto:raum-8@treffpunkt-jena.de",
        )
    )
    status, data = found[ROOM]
    assert status.startswith("2.0") and freebusy_lines(data) == WEEK_BUSY
    reply = next(c for c in Calendar.from_ical(data).walk() if c.name == "VFREEBUSY")
    assert str(reply["UID"]) == "6d3c4c2a-7a36-4bd3-9c39-1a2b3c4d5e6f"
    assert str(reply["ATTENDEE"]) == ROOM
    status, data = found["mailto:RAUM-8@Treffpunkt-Jena.de"]  # addresses ignore case; room 8 is free
    assert status.startswith("2.0") and freebusy_lines(data) == []
    for unknown in ("mailto:raum-999@treffpunkt-jena.de", "mailto:lena@example.org"):
        assert found[unknown] == ("3.7;Invalid calendar user", "")


APPLE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 14.0//EN
METHOD:REQUEST
BEGIN:VFREEBUSY
UID:5F1D2C3B-0A9E-4E1B-9C2D-7B6A5F4E3D2C
DTSTAMP:20260301T120000Z
DTSTART:20260303T000000Z
DTEND:20260304T000000Z
ORGANIZER;CN=Lena:mailto:lena@example.org
ATTENDEE;CN=Saal im Erdgeschoss;CUTYPE=ROOM:urn:x-uid:ignored
ATTENDEE;CN=Saal im Erdgeschoss;CUTYPE=ROOM:mailto:raum-7@treffpunkt-jena.de
X-CALENDARSERVER-MASK-UID:7A1B2C3D-4E5F-6789-ABCD-EF0123456789
END:VFREEBUSY
END:VCALENDAR
"""


def test_apple_shape_one_day_clipped_to_the_window(live, world):
    found = responses(post(live, world, APPLE, Originator="mailto:lena@example.org", Recipient=ROOM))
    status, data = found[ROOM]
    assert status.startswith("2.0")
    assert freebusy_lines(data) == ["FREEBUSY;FBTYPE=BUSY:20260303T100000Z/20260303T120000Z"]
    assert found["urn:x-uid:ignored"][0].startswith("3.7")


def test_a_requested_booking_is_tentatively_busy(live, world, run_task):
    run_task(
        "calendar.booking_changed",
        booking_message(booking_id=5, uid="b5@x", status="requested", occurrences=[span(4, 8, 30)]),
    )
    status, data = responses(post(live, world, thunderbird([ROOM])))[ROOM]
    assert freebusy_lines(data) == [
        *WEEK_BUSY,
        "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260306T080000Z/20260306T083000Z",
    ]


def precondition(answer: requests.Response) -> str:
    tree = etree.fromstring(answer.content)
    return tree[0].tag.split("}")[1]


def test_refusals(live, world):
    year_and_more = thunderbird([ROOM], start="20260101T000000Z", end="20270103T000000Z")
    answer = post(live, world, year_and_more)
    assert answer.status_code == 403 and "366 Tage" in answer.text
    assert post(live, world, thunderbird([ROOM]), username="").status_code == 401
    assert post(live, world, thunderbird([ROOM]), username="otto").status_code == 404  # Lena's outbox
    not_me = thunderbird([ROOM]).replace("ORGANIZER:mailto:lena@", "ORGANIZER:mailto:otto@")
    answer = post(live, world, not_me)
    assert answer.status_code == 403 and precondition(answer) == "organizer-allowed"
    answer = post(live, world, thunderbird([ROOM]), Originator="mailto:otto@example.org")
    assert answer.status_code == 403 and precondition(answer) == "originator-allowed"
    answer = post(live, world, thunderbird([ROOM]).replace("METHOD:REQUEST", "METHOD:PUBLISH"))
    assert answer.status_code == 403 and precondition(answer) == "valid-scheduling-message"
    answer = post(live, world, "BEGIN:VCALENDAR\nnonsense")
    assert answer.status_code == 403 and precondition(answer) == "valid-calendar-data"
    backwards = thunderbird([ROOM], start="20260309T000000Z", end="20260302T000000Z")
    assert post(live, world, backwards).status_code == 403
    many = thunderbird([f"mailto:raum-{n}@treffpunkt-jena.de" for n in range(60)])
    assert post(live, world, many).status_code == 403
    answer = requests.post(
        live.url + OUTBOX,
        data=b"{}",
        headers={"Content-Type": "application/json"},
        auth=("lena", world["lena"]["app_password"]),
    )
    assert answer.status_code == 415
    answer = requests.post(
        live.url + "/dav/rooms/7/",
        data=thunderbird([ROOM]).encode(),
        headers={"Content-Type": "text/calendar"},
        auth=("lena", world["lena"]["app_password"]),
    )
    assert answer.status_code == 405


def test_outbox_propfind(live, world):
    answer = requests.request(
        "PROPFIND",
        live.url + OUTBOX,
        headers={"Depth": "0"},
        data=b'<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:current-user-privilege-set/></D:prop></D:propfind>',
        auth=("lena", world["lena"]["app_password"]),
    )
    assert answer.status_code == 207
    tree = etree.fromstring(answer.content)
    assert tree.find(".//D:resourcetype/C:schedule-outbox", NS) is not None
    assert tree.find(".//D:privilege/C:schedule-send-freebusy", NS) is not None
    # rooms invited to events are scheduled implicitly (tests/calendar/test_room_invitations.py)
    assert "calendar-auto-schedule" in answer.headers["DAV"]


def test_buffer_opening_hours_and_closure_are_unavailable(live, world, run_task):
    """Room 8: open Monday to Friday 8-20 local time (UTC+1 in March), 30 minutes buffer, closed
    on Wednesday; booked Tuesday 10-12 UTC."""
    hours = {day: {"opens": "08:00", "closes": "20:00"} for day in ("mo", "di", "mi", "do", "fr")}
    wednesday = (MONDAY + timedelta(days=2)).date()
    rules = room_message(
        room_id=8,
        name="Küche im Anbau",
        revision=2,
        buffer_minutes=30,
        opening=hours,
        closures=[{"first_day": wednesday, "last_day": wednesday}],
    )
    run_task("calendar.room_changed", rules)
    run_task(
        "calendar.booking_changed",
        booking_message(booking_id=6, uid="b6@x", room_id=8, occurrences=[span(1, 10, 120)]),
    )
    body = thunderbird(["mailto:raum-8@treffpunkt-jena.de"], end="20260306T000000Z")
    status, data = responses(post(live, world, body))["mailto:raum-8@treffpunkt-jena.de"]
    assert status.startswith("2.0")
    assert freebusy_lines(data) == [
        "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260302T000000Z/20260302T070000Z",  # before Monday 8:00
        "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260302T190000Z/20260303T070000Z",  # the night
        "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260303T093000Z/20260303T100000Z",  # buffer before
        "FREEBUSY;FBTYPE=BUSY:20260303T100000Z/20260303T120000Z",
        "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260303T120000Z/20260303T123000Z",  # buffer after
        "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260303T190000Z/20260305T070000Z",  # Tuesday night to Thursday 8:00
        "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260305T190000Z/20260306T000000Z",
    ]


def test_an_account_without_email_asks_with_its_principal_url(live, world, identity):
    """RFC 6638 §2.4.1: without an email the principal's URL is the calendar address."""
    identity.create_account("paul", "Paul", partner_slug="mgh-lobeda", email="")
    secret = identity.create_app_password("paul", "test")
    with caldav.DAVClient(url=live.url + "/dav/", username="paul", password=secret) as client:
        me = client.principal()
        assert me.calendar_user_address_set() == ["/dav/principals/paul/"]
        answer = me.freebusy_request(MONDAY, MONDAY + timedelta(days=7), [ROOM])
    assert freebusy_lines(answer[ROOM].data) == WEEK_BUSY
