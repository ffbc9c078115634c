"""Rooms you invite, end to end (issue 15): a room added as ATTENDEE to a meeting in a calendar
program books itself, and its answer comes back into the organizer's event and schedule inbox.

Real parts only: the `caldav` library (as calendar programs speak CalDAV) and web forms over HTTP
through the front door, PostgreSQL, one Celery worker process per service queue on Redis, an
SMTP sink. Nothing of ours is called directly: what a user does, and what they then see."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import caldav
import icalendar
import pytest
import requests

from tests.support.live import LiveServer
from tests.support.login import book_on_web, csrf_of, http_login
from tests.support.workers import wait_until

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")
WAIT = 45


def _meeting(
    uid: str,
    organizer: str,
    room,
    first: datetime,
    weeks: int,
    summary: str = "Teamsitzung Nachbarschaftshilfe",
    people: tuple[str, ...] = (),
) -> str:
    """A weekly team meeting as Thunderbird writes it: the organizer, and the room as a
    NON-PARTICIPANT attendee that is asked to answer."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(timezone.utc))
    event.add("dtstart", first)
    event.add("dtend", first + timedelta(hours=1))
    event.add("summary", summary)
    if weeks > 1:
        event.add("rrule", {"freq": "weekly", "count": weeks})
    event.add("organizer", icalendar.vCalAddress(organizer), parameters={"CN": "Lena"})
    for person in people:
        event.add("attendee", icalendar.vCalAddress(person), parameters={"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
    attendee = icalendar.vCalAddress(str(room))
    attendee.params.update({"CUTYPE": "ROOM", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE", "ROLE": "NON-PARTICIPANT"})
    event.add("attendee", attendee)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Treffpunkt tests//Thunderbird shape//DE")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _answers(data: str, room) -> dict[str, str]:
    """The room's PARTSTAT per instance in the organizer's copy: "" for the series (master),
    else the RECURRENCE-ID in UTC."""
    found = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        key = ""
        if "RECURRENCE-ID" in event:
            key = event.decoded("RECURRENCE-ID").astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for attendee in event.get("ATTENDEE", []) if isinstance(event.get("ATTENDEE"), list) else [event["ATTENDEE"]]:
            if str(attendee).lower() == str(room).lower():
                found[key] = str(attendee.params.get("PARTSTAT", "NEEDS-ACTION"))
    return found


def _key(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _client(base: str, username: str, people) -> caldav.DAVClient:
    return caldav.DAVClient(url=f"{base}/dav/", username=username, password=people[username]["app_password"])


def _own_calendar(principal, people, username: str):
    slug = f"partner-{people[username]['partner_id']}-angebote"
    (calendar,) = [c for c in principal.calendars() if str(c.url).rstrip("/").endswith(slug)]
    return calendar


def _api(base: str, people, username: str, path: str):
    answer = requests.get(f"{base}/api/rooms{path}", auth=(username, people[username]["app_password"]), timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _held(base: str, people, title: str) -> dict[str, str]:
    """Lena's booking of that title as the rooms service holds it: each date's state by its
    start in UTC (the key the calendar gives it)."""
    (booking,) = [b for b in _api(base, people, "lena", "/bookings") if b["title"] == title]
    detail = _api(base, people, "lena", f"/bookings/{booking['id']}")
    return {_key(datetime.fromisoformat(o["starts_at"])): o["state"] for o in detail["occurrences"]} | {
        "status": detail["status"]
    }


def _mails_to(smtp_sink, address: str) -> list:
    return [m for m in smtp_sink.messages if address in m["To"]]


def test_a_room_invited_from_a_calendar_program_books_itself_and_answers_date_by_date(
    frontdoor, workers, lobeda_room, people, smtp_sink
):
    today = date.today()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    weeks = [datetime.combine(monday + timedelta(weeks=k), time(15, 0), tzinfo=BERLIN) for k in range(5)]
    one_off = datetime.combine(monday + timedelta(days=1), time(10, 0), tzinfo=BERLIN)
    with LiveServer(frontdoor) as live:
        # Otto (another partner) has the room on the second and third Monday
        otto = http_login(live.url, "otto")
        for taken in weeks[1:3]:
            booked = book_on_web(otto, live.url, lobeda_room, taken.date(), "15:00", "16:00", "Seniorencafé")
            assert booked.status_code == 200 and "/rooms/bookings/" in booked.url

        with _client(live.url, "lena", people) as client:
            principal = client.principal()
            # the room found as Apple Calendar's location search and the caldav library find it
            (room_principal,) = client.search_principals(name="Großer Saal")
            room = room_principal.get_vcal_address()
            assert room.params["CUTYPE"] == "ROOM"
            organizer = str(principal.get_vcal_address())
            calendar = _own_calendar(principal, people, "lena")

            # its free/busy (Thunderbird's attendee grid): busy on Otto's two Mondays
            busy = principal.freebusy_request(weeks[0], weeks[4] + timedelta(hours=2), [str(room)])
            reply = busy[str(room)].data.replace("\r\n ", "")
            periods = [line.rpartition(":")[2] for line in reply.splitlines() if line.startswith("FREEBUSY")]
            assert [p.partition("/")[0] for p in periods] == [_key(taken) for taken in weeks[1:3]], reply

            # a one-off meeting: accepted, and booked as an ordinary booking
            single = calendar.save_event(_meeting("beratung@example.org", organizer, room, one_off, 1, "Beratung"))
            wait_until(lambda: _answers(_loaded(single), room) == {"": "ACCEPTED"}, WAIT, "the one-off accepted")
            assert _held(live.url, people, "Beratung") == {_key(one_off): "valid", "status": "confirmed"}

            # a weekly meeting: the series accepted, Otto's two Mondays declined date by date
            uid = "teamsitzung-nachbarschaftshilfe@example.org"
            neighbour = "nachbar@example.org"  # a person from outside, invited with the room
            event = calendar.save_event(_meeting(uid, organizer, room, weeks[0], 5, people=(f"mailto:{neighbour}",)))
            expected = {"": "ACCEPTED", _key(weeks[1]): "DECLINED", _key(weeks[2]): "DECLINED"}
            wait_until(lambda: _answers(_loaded(event), room) == expected, WAIT, "the weekly meeting answered")
            title = "Teamsitzung Nachbarschaftshilfe"
            assert _held(live.url, people, title) == {
                _key(weeks[0]): "valid",
                _key(weeks[3]): "valid",
                _key(weeks[4]): "valid",
                "status": "confirmed",
            }

            # the room's iTIP REPLYs wait in Lena's schedule inbox, the weekly one date by date
            inbox = principal.schedule_inbox()
            replies = wait_until(lambda: len(inbox.get_items()) >= 2 and inbox.get_items(), WAIT, "two REPLYs")
            weekly = [
                r for r in (icalendar.Calendar.from_ical(item.data) for item in replies) if uid in str(r.to_ical())
            ]
            (answer,) = weekly
            assert str(answer["METHOD"]) == "REPLY"
            declined = {_key(e.decoded("RECURRENCE-ID")) for e in answer.walk("VEVENT") if "RECURRENCE-ID" in e}
            assert declined == {_key(weeks[1]), _key(weeks[2])}

            # Lena's emails about both bookings carry no second calendar entry: the events are hers
            mails = wait_until(lambda: len(_mails_to(smtp_sink, "lena@example.org")) >= 2 and smtp_sink.messages, WAIT)
            assert not any(
                p.get_content_type() == "text/calendar"
                for m in _mails_to(smtp_sink, "lena@example.org")
                for p in m.walk()
            )
            assert mails

            # the server, not the program, mailed the neighbour the invitation (calendar-auto-schedule)
            def invitations_to(address: str, method: str) -> list:
                return [
                    p
                    for m in _mails_to(smtp_sink, address)
                    for p in m.walk()
                    if p.get_content_type() == "text/calendar" and p.get_param("method") == method
                ]

            (invited,) = wait_until(lambda: invitations_to(neighbour, "REQUEST"), WAIT, "the neighbour's invitation")
            assert str(icalendar.Calendar.from_ical(invited.get_payload(decode=True)).walk("VEVENT")[0]["UID"]) == uid

            # one date cancelled in the calendar program (EXDATE): the room gives it back
            _loaded(event)
            event.icalendar_component.add("exdate", weeks[4])
            event.save()
            wait_until(
                lambda: _held(live.url, people, title).get(_key(weeks[4])) == "cancelled", WAIT, "the date given back"
            )
            assert (
                _held(live.url, people, title)[_key(weeks[0])]
                == _held(live.url, people, title)[_key(weeks[3])]
                == "valid"
            )

            # the first date cancelled on the web: declined in her calendar program
            lena = http_login(live.url, "lena")
            (booking_id,) = [b["id"] for b in _api(live.url, people, "lena", "/bookings") if b["title"] == title]
            page = lena.get(f"{live.url}/rooms/bookings/{booking_id}").text
            first_date, _fourth = dict.fromkeys(re.findall(rf"/rooms/bookings/{booking_id}/cancel/(\d+)", page))
            form = lena.get(f"{live.url}/rooms/bookings/{booking_id}/cancel/{first_date}").text
            cancelled = lena.post(
                f"{live.url}/rooms/bookings/{booking_id}/cancel/{first_date}",
                data={"csrf_token": csrf_of(form), "scope": "occurrence", "reason": ""},
            )
            assert cancelled.status_code == 200 and "Abgesagt" in cancelled.text, cancelled.text[-2000:]

            def first_declined():
                answers = _answers(_loaded(event), room)
                return answers.get(_key(weeks[0]), answers[""]) == "DECLINED" and answers

            answers = wait_until(first_declined, WAIT, "the date cancelled on the web declined in the event")
            assert answers.get(_key(weeks[3]), answers[""]) == "ACCEPTED"

            # the meeting deleted in the calendar program: its booking is cancelled, the room free
            event.delete()
            wait_until(lambda: _held(live.url, people, title)["status"] == "cancelled", WAIT, "the booking cancelled")
            wait_until(lambda: invitations_to(neighbour, "CANCEL"), WAIT, "the neighbour's cancellation")
            booked = book_on_web(otto, live.url, lobeda_room, weeks[3].date(), "15:00", "16:00", "Spielenachmittag")
            assert booked.status_code == 200 and "/rooms/bookings/" in booked.url


def _loaded(event):
    event.load()
    return event.data


def test_a_room_that_needs_approval_answers_tentative_until_its_owner_approves(frontdoor, workers, lobeda_room, people):
    day = datetime.combine(date.today() + timedelta(days=5), time(10, 0), tzinfo=BERLIN)
    with LiveServer(frontdoor) as live:
        lena = http_login(live.url, "lena")
        rules = requests.put(
            f"{live.url}/api/rooms/rooms/{lobeda_room}/rules",
            json={"approval_required": True},
            auth=("lena", people["lena"]["app_password"]),
            timeout=10,
        )
        assert rules.status_code == 200, rules.text

        with _client(live.url, "otto", people) as client:
            principal = client.principal()
            (room_principal,) = client.search_principals(name="Großer Saal")
            room = room_principal.get_vcal_address()
            calendar = _own_calendar(principal, people, "otto")
            uid = "beratung-awo@example.org"
            event = calendar.save_event(_meeting(uid, str(principal.get_vcal_address()), room, day, weeks=1))

            def answer():
                event.load()
                return _answers(event.data, room).get("") in ("TENTATIVE", "ACCEPTED", "DECLINED") and event

            wait_until(answer, WAIT, "the room's first answer")
            assert _answers(event.data, room) == {"": "TENTATIVE"}  # waiting for Lena's approval

            # Lena, on the owner's side, approves the request on the web
            requests_page = lena.get(f"{live.url}/rooms/requests").text
            (booking_id,) = {int(i) for i in re.findall(r"/rooms/requests/(\d+)/approve", requests_page)}
            seen = re.search(r'name="sequence"[^>]*value="(\d*)"', requests_page)
            approved = lena.post(
                f"{live.url}/rooms/requests/{booking_id}/approve",
                data={"csrf_token": csrf_of(requests_page), "comment": "", "sequence": seen.group(1) if seen else ""},
            )
            assert approved.status_code == 200 and "freigegeben" in approved.text, approved.text[-2000:]

            def accepted():
                event.load()
                return _answers(event.data, room) == {"": "ACCEPTED"}

            wait_until(accepted, WAIT, "the approval in Otto's event")
