"""People you invite (RFC 6638 implicit scheduling, iMIP), the calendar's side, over real HTTP:
Lena invites two colleagues and room 7 to a meeting; the calendar queues an invitation per
colleague (outbox rows notify.itip_request, checked by the contract when written) besides the
room's booking, sends nothing when nothing they are invited to changed (a room's answer, the
same PUT again), and a CANCEL to whoever is taken off or when the event goes."""

from __future__ import annotations

import json
from datetime import timedelta

import requests
from icalendar import Calendar
from sqlalchemy import select

from shared.db import transaction

from services.calendar.domain.invited_people import MAX_PEOPLE
from services.calendar.store import account_data
from services.calendar.store.models import OutboxMessage

from tests.calendar.test_room_invitations import MONDAY, ROOM, answer, put, stamp, stored, url, world  # noqa: F401

ITIP = "notify.itip_request"
OTTO, EVA = "otto.kollege@example.org", "eva.kollegin@example.org"


def meeting(
    people: tuple[str, ...] = (OTTO, EVA),
    uid: str = "team-1",
    start=MONDAY,
    organizer: str = "mailto:lena@example.org",
    extra: tuple[str, ...] = (),
    count: int = 0,
    overrides: tuple[str, ...] = (),
) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//DE",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        "SUMMARY:Teamsitzung",
        f"DTSTART:{stamp(start)}",
        f"DTEND:{stamp(start + timedelta(hours=1))}",
        *([f"RRULE:FREQ=WEEKLY;COUNT={count}"] if count else []),
        "SEQUENCE:0",
        f"ORGANIZER;CN=Lena Lobeda:{organizer}",
        "ATTENDEE;CN=Lena;PARTSTAT=ACCEPTED:mailto:lena@example.org",
        f"ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:{ROOM}",
        *[f"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{p}" for p in people],
        *extra,
        "END:VEVENT",
        *overrides,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def messages(calendar_app, task: str = ITIP) -> list[dict]:
    with transaction(calendar_app.extensions["db"]) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.task_name == task).order_by(OutboxMessage.id))
        return [json.loads(row.payload) for row in rows]


def parsed(message: dict) -> tuple[str, Calendar]:
    ics = Calendar.from_ical(message["ics"])
    return str(ics["METHOD"]), ics


def status_of(calendar: Calendar, email: str) -> str | None:
    for attendee in calendar.walk("VEVENT")[0]["ATTENDEE"]:
        if str(attendee).lower() == f"mailto:{email}":
            return attendee.params.get("SCHEDULE-STATUS")
    raise AssertionError(email)


def test_colleagues_are_sent_their_invitations_once_and_cancelled_when_taken_off_or_deleted(
    live, world, calendar_app, run_task
):
    created = put(live, world, "team.ics", meeting())
    assert created.status_code == 201 and "ETag" not in created.headers  # SCHEDULE-STATUS written in
    first = messages(calendar_app)
    assert sorted(m["to"] for m in first) == sorted([OTTO, EVA])
    for message in first:
        method, ics = parsed(message)
        [event] = ics.walk("VEVENT")
        assert (message["method"], method, str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", "REQUEST", "team-1", 0)
        assert message["organizer_email"] == "lena@example.org" and message["organizer_name"] == "Lena Lobeda"
        assert message["summary"] == "Teamsitzung" and message["account_id"] == world["lena"]["id"]
        assert b"SCHEDULE-STATUS" not in message["ics"].encode()
    assert len({m["request_id"] for m in first}) == 2
    [booking] = messages(calendar_app, "rooms.book_for_invitation")  # the room as before
    copy = stored(live, world, "team.ics")
    assert status_of(copy, OTTO) == "1.1" and status_of(copy, EVA) == "1.1"

    # the same PUT again; then rooms' answer written back: nothing new for the people
    assert put(live, world, "team.ics", meeting()).status_code == 204
    assert answer(run_task, booking, {"": "ACCEPTED"}) == "applied"
    assert len(messages(calendar_app)) == 2
    # Otto answers in his copy (PARTSTAT), which Lena's client writes back: nothing new
    replied = meeting().replace(
        f"PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{OTTO}".encode(), f"PARTSTAT=ACCEPTED:mailto:{OTTO}".encode()
    )
    assert put(live, world, "team.ics", replied).status_code == 204
    assert len(messages(calendar_app)) == 2

    # a new time: both invited again, with new request ids
    later = MONDAY + timedelta(hours=3)
    put(live, world, "team.ics", meeting(start=later, extra=()).replace(b"SEQUENCE:0", b"SEQUENCE:1"))
    moved = messages(calendar_app)[2:]
    assert sorted(m["to"] for m in moved) == sorted([OTTO, EVA]) and {m["method"] for m in moved} == {"REQUEST"}
    assert not {m["request_id"] for m in moved} & {m["request_id"] for m in first}
    assert parsed(moved[0])[1].walk("VEVENT")[0]["DTSTART"].dt == later

    # Eva taken off: a CANCEL to her alone
    put(live, world, "team.ics", meeting((OTTO,), start=later).replace(b"SEQUENCE:0", b"SEQUENCE:1"))
    [cancel] = messages(calendar_app)[4:]
    method, ics = parsed(cancel)
    [event] = ics.walk("VEVENT")
    assert (cancel["to"], cancel["method"], method) == (EVA, "CANCEL", "CANCEL")
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == ("team-1", 2, "CANCELLED")

    # the event deleted: a CANCEL to Otto
    auth = ("lena", world["lena"]["app_password"])
    assert requests.delete(url(live, world, "team.ics"), auth=auth, timeout=10).status_code == 204
    [gone] = messages(calendar_app)[5:]
    assert (gone["to"], gone["method"], parsed(gone)[0]) == (OTTO, "CANCEL", "CANCEL")
    assert str(parsed(gone)[1].walk("VEVENT")[0]["UID"]) == "team-1"

    # the export names whom Lena invited; erasing forgets that it was her
    with transaction(calendar_app.extensions["db"]) as session:
        invited = account_data.gather(session, world["lena"]["id"]).sections["invited_people"]
    assert sorted((p["person"], p["invited"], p["messages"]) for p in invited) == [(EVA, False, 3), (OTTO, False, 3)]
    with transaction(calendar_app.extensions["db"]) as session:
        assert account_data.erase(session, world["lena"]["id"], [])["invited_people"] == 2
    with transaction(calendar_app.extensions["db"]) as session:
        assert account_data.gather(session, world["lena"]["id"]).sections["invited_people"] == []


def test_a_colleague_taken_off_one_date_gets_a_cancel_of_that_date(live, world, calendar_app):
    put(live, world, "serie.ics", meeting(count=3))
    assert len(messages(calendar_app)) == 2
    second = MONDAY + timedelta(weeks=1)
    override = "\r\n".join(
        [
            "BEGIN:VEVENT",
            "UID:team-1",
            "DTSTAMP:20260101T000000Z",
            "SUMMARY:Teamsitzung",
            f"RECURRENCE-ID:{stamp(second)}",
            f"DTSTART:{stamp(second)}",
            f"DTEND:{stamp(second + timedelta(hours=1))}",
            "ORGANIZER;CN=Lena Lobeda:mailto:lena@example.org",
            f"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{OTTO}",
            "END:VEVENT",
        ]
    )
    put(live, world, "serie.ics", meeting(count=3, overrides=(override,)))
    [cancel] = messages(calendar_app)[2:]
    assert (cancel["to"], cancel["method"]) == (EVA, "CANCEL")
    [event] = parsed(cancel)[1].walk("VEVENT")
    assert event["RECURRENCE-ID"].dt == second and str(event["STATUS"]) == "CANCELLED"


def test_nothing_is_sent_for_another_organizers_event_nor_for_whom_the_client_invites(live, world, calendar_app):
    put(live, world, "fremd.ics", meeting(uid="fremd", organizer="mailto:otto@example.org"))
    assert messages(calendar_app) == []
    kept = meeting(
        (EVA,), uid="selbst", extra=(f"ATTENDEE;SCHEDULE-AGENT=CLIENT:mailto:{OTTO}", "ATTENDEE:mailto:kein-name@")
    )
    put(live, world, "selbst.ics", kept)
    assert [m["to"] for m in messages(calendar_app)] == [EVA]
    copy = stored(live, world, "selbst.ics")
    assert status_of(copy, OTTO) is None, "the client invites Otto itself"
    assert status_of(copy, "kein-name@") == "3.7", "no address notify can mail"


def test_beyond_fifty_people_nobody_more_is_sent_anything(live, world, calendar_app):
    many = tuple(f"person{n}@example.org" for n in range(MAX_PEOPLE + 2))
    assert put(live, world, "gross.ics", meeting(many, uid="gross")).status_code == 201
    assert len(messages(calendar_app)) == MAX_PEOPLE
    copy = stored(live, world, "gross.ics")
    assert status_of(copy, many[0]) == "1.1" and status_of(copy, many[-1]) == "5.3"


def test_deleting_the_calendar_cancels_its_invitations(live, world, calendar_app):
    import caldav

    with caldav.DAVClient(url=live.url + "/dav/", username="lena", password=world["lena"]["app_password"]) as client:
        team = client.principal().make_calendar(name="Team")
        team.save_event(meeting(uid="kal-1").decode())
        assert len(messages(calendar_app)) == 2
        team.delete()
    cancels = messages(calendar_app)[2:]
    assert sorted((m["to"], m["method"]) for m in cancels) == [(EVA, "CANCEL"), (OTTO, "CANCEL")]
