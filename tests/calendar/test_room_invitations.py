"""Rooms you invite (RFC 6638 implicit scheduling), the calendar's side, over real HTTP: Lena
invites room 7 to a meeting in her partner's calendar; the calendar asks rooms (an outbox row
rooms.book_for_invitation), rooms' answer arrives as the real task
calendar.room_invitation_answer with a message built by the contract (the service's edge),
and Lena's copy shows the room's PARTSTAT, per date, with the REPLY in her schedule inbox."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import caldav
import pytest
import requests
from icalendar import Calendar
from lxml import etree
from sqlalchemy import select

from shared import contracts
from shared.db import transaction

from services.calendar.domain.names import default_slug
from services.calendar.store import account_data
from services.calendar.store.models import OutboxMessage, RoomInvitation
from services.calendar.store.sql_schedule_inbox import LIMIT, ScheduleInbox

from tests.support.calendar import room_message

NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav"}
ROOM = "mailto:raum-7@treffpunkt-jena.de"
TASK = "rooms.book_for_invitation"
# next week's Monday 10:00 UTC: in the future whenever the suite runs
MONDAY = (datetime.now(timezone.utc) + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
MONDAY -= timedelta(days=MONDAY.weekday())
MONDAY += timedelta(days=7)


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


@pytest.fixture
def world(people, store, run_task):
    """Room 7 offered, room 9 no longer; Lena's and Otto's partners with their calendars."""
    run_task("calendar.room_changed", room_message())
    run_task("calendar.room_changed", room_message(room_id=9, name="Saal am Markt", revision=1))
    run_task("calendar.room_changed", room_message(room_id=9, name="Saal am Markt", active=False, revision=2))
    with store() as s:
        for who in ("lena", "otto"):
            partner = people[who]["partner_id"]
            s.ensure_partner_calendar(partner, default_slug(partner), f"Angebote {who}")
    return people


def url(live, people, name: str, who: str = "lena") -> str:
    return f"{live.url}/dav/calendars/{who}/{default_slug(people[who]['partner_id'])}/{name}"


def event(
    uid: str = "sitzung-1",
    start: datetime = MONDAY,
    count: int | None = None,
    attendees: tuple[str, ...] = (ROOM,),
    organizer: str = "mailto:lena@example.org",
    overrides: tuple[str, ...] = (),
    summary: str = "Teamsitzung",
) -> bytes:
    """A one-hour meeting (weekly `count` times), as Thunderbird writes an invitation."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//DE",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"SUMMARY:{summary}",
        f"DTSTART:{stamp(start)}",
        f"DTEND:{stamp(start + timedelta(hours=1))}",
        *([f"RRULE:FREQ=WEEKLY;COUNT={count}"] if count else []),
        f"ORGANIZER;CN=Lena:{organizer}",
        "ATTENDEE;CN=Lena;PARTSTAT=ACCEPTED:mailto:lena@example.org",
        *[f"ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:{a}" for a in attendees],
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT15M",
        "DESCRIPTION:Erinnerung",
        "END:VALARM",
        "END:VEVENT",
        *overrides,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def moved(uid: str, instance: datetime, to: datetime, attendees: tuple[str, ...] = (ROOM,)) -> str:
    """An override of one instance of event(uid): at `to`, with these attendees."""
    return "\r\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            "SUMMARY:Teamsitzung",
            f"RECURRENCE-ID:{stamp(instance)}",
            f"DTSTART:{stamp(to)}",
            f"DTEND:{stamp(to + timedelta(hours=1))}",
            "ORGANIZER;CN=Lena:mailto:lena@example.org",
            *[f"ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:{a}" for a in attendees],
            "END:VEVENT",
        ]
    )


def put(live, people, name: str, data: bytes, who: str = "lena", **headers) -> requests.Response:
    return requests.put(
        url(live, people, name, who),
        data=data,
        headers={"Content-Type": "text/calendar; charset=utf-8", **headers},
        auth=(who, people[who]["app_password"]),
        timeout=10,
    )


def sent(calendar_app) -> list[dict]:
    """The rooms.book_for_invitation messages queued, oldest first."""
    with transaction(calendar_app.extensions["db"]) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.task_name == TASK).order_by(OutboxMessage.id))
        return [json.loads(row.payload) for row in rows]


def answer(run_task, invitation: dict, partstats: dict[str, str], booking_sequence: int = 0, **more) -> str:
    """rooms' answer to `invitation`, built by the contract as the rooms service sends it."""
    message = contracts.build(
        "calendar.room_invitation_answer",
        invitation_uid=invitation["invitation_uid"],
        room_id=invitation["room_id"],
        sequence=invitation["sequence"],
        booking_sequence=booking_sequence,
        booking_id=41,
        state=more.pop("state", "booked"),
        dates=[
            {"key": key, "partstat": value, "reason": "taken" if value == "DECLINED" else ""}
            for key, value in partstats.items()
        ],
        sender="rooms",
        **more,
    )
    return run_task("calendar.room_invitation_answer", message)


def stored(live, people, name: str, who: str = "lena") -> Calendar:
    got = requests.get(url(live, people, name, who), auth=(who, people[who]["app_password"]), timeout=10)
    assert got.status_code == 200, got.text
    return Calendar.from_ical(got.content)


def room_params(calendar: Calendar) -> dict[str, tuple[str, str]]:
    """RECURRENCE-ID key ("" for the master) -> (PARTSTAT, SCHEDULE-STATUS) of room 7."""
    found = {}
    for component in calendar.walk("VEVENT"):
        rid = component.get("RECURRENCE-ID")
        key = stamp(rid.dt) if rid is not None else ""
        attendees = component.get("ATTENDEE", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            if str(attendee).lower() == ROOM:
                found[key] = (attendee.params.get("PARTSTAT"), attendee.params.get("SCHEDULE-STATUS"))
    return found


def keys(count: int, start: datetime = MONDAY) -> list[str]:
    return [stamp(start + timedelta(weeks=n)) for n in range(count)]


def test_a_room_invited_to_a_weekly_meeting_is_asked_for_its_dates_and_its_answer_comes_back(
    live, world, calendar_app, run_task
):
    created = put(live, world, "sitzung.ics", event(count=3), **{"If-None-Match": "*"})
    assert created.status_code == 201, created.text
    # the server wrote the room's state in: no ETag, so that the client fetches it again
    assert "ETag" not in created.headers and created.headers.get("Schedule-Tag")
    [invitation] = sent(calendar_app)
    assert invitation["room_id"] == 7 and invitation["sequence"] == 1
    assert invitation["account_id"] == world["lena"]["id"] and invitation["partner_id"] == world["lena"]["partner_id"]
    assert invitation["title"] == "Teamsitzung"
    assert [d["key"] for d in invitation["dates"]] == keys(3)
    first = invitation["dates"][0]
    assert (first["starts_at"], first["ends_at"]) == (MONDAY.isoformat(), (MONDAY + timedelta(hours=1)).isoformat())
    assert room_params(stored(live, world, "sitzung.ics")) == {"": ("NEEDS-ACTION", "1.2")}

    # the second date is taken: declined; the others booked
    one, two, three = keys(3)
    auth = ("lena", world["lena"]["app_password"])
    before = requests.get(url(live, world, "sitzung.ics"), auth=auth, timeout=10)
    assert answer(run_task, invitation, {one: "ACCEPTED", two: "DECLINED", three: "ACCEPTED"}) == "applied"
    after = requests.get(url(live, world, "sitzung.ics"), auth=auth, timeout=10)
    assert after.headers["ETag"] != before.headers["ETag"], "clients sync the answer"
    assert after.headers["Schedule-Tag"] == before.headers["Schedule-Tag"], "an attendee's answer keeps the tag"
    with caldav.DAVClient(url=live.url + "/dav/", username="lena", password=auth[1]) as client:
        copy = Calendar.from_ical(client.calendar(url=url(live, world, "")).event_by_uid("sitzung-1").data)
    assert room_params(copy) == {"": ("ACCEPTED", "2.0"), two: ("DECLINED", "2.0")}
    declined = next(c for c in copy.walk("VEVENT") if "RECURRENCE-ID" in c)
    assert stamp(declined["DTSTART"].dt) == two and "RRULE" not in declined
    assert declined.walk("VALARM"), "the override keeps the alarm"

    # the REPLY waits in Lena's schedule inbox, found as a client finds it
    with caldav.DAVClient(url=live.url + "/dav/", username="lena", password=world["lena"]["app_password"]) as client:
        inbox = client.principal().schedule_inbox()
        assert str(inbox.url).endswith("/dav/principals/lena/inbox/")
        [item] = inbox.get_items()
        reply = Calendar.from_ical(item.data)
        assert str(reply["METHOD"]) == "REPLY"
        master, instance = reply.walk("VEVENT")
        assert master["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and str(master["UID"]) == "sitzung-1"
        assert stamp(instance["RECURRENCE-ID"].dt) == two and instance["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
        assert "belegt" in str(instance["COMMENT"])
        item.delete()
    assert inbox_size(live, world) == 0


def inbox_size(live, people, who: str = "lena") -> int:
    listed = requests.request(
        "PROPFIND",
        f"{live.url}/dav/principals/{who}/inbox/",
        headers={"Depth": "1"},
        auth=(who, people[who]["app_password"]),
        timeout=10,
    )
    assert listed.status_code == 207
    return len(etree.fromstring(listed.content).findall("D:response", NS)) - 1  # the inbox itself


def test_the_inbox_is_listed_read_and_deleted_over_plain_webdav_and_only_by_its_owner(
    live, world, calendar_app, run_task
):
    put(live, world, "einmal.ics", event(uid="einmal"))
    [invitation] = sent(calendar_app)
    assert invitation["dates"][0]["key"] == ""
    answer(run_task, invitation, {"": "TENTATIVE"})
    assert room_params(stored(live, world, "einmal.ics")) == {"": ("TENTATIVE", "2.0")}
    auth = ("lena", world["lena"]["app_password"])
    inbox = f"{live.url}/dav/principals/lena/inbox/"
    listed = requests.request(
        "PROPFIND",
        inbox,
        headers={"Depth": "1"},
        data=b'<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/><D:getcontenttype/></D:prop></D:propfind>',
        auth=auth,
        timeout=10,
    )
    assert listed.status_code == 207
    tree = etree.fromstring(listed.content)
    assert tree.find(".//D:resourcetype/C:schedule-inbox", NS) is not None
    items = [
        r
        for r in tree.findall("D:response", NS)
        if r.findtext("D:href", namespaces=NS) != "/dav/principals/lena/inbox/"
    ]
    [item] = items
    href = item.findtext("D:href", namespaces=NS)
    assert item.findtext(".//D:getcontenttype", namespaces=NS).startswith("text/calendar")
    etag = item.findtext(".//D:getetag", namespaces=NS)
    got = requests.get(live.url + href, auth=auth, timeout=10)
    assert got.status_code == 200 and got.headers["ETag"] == etag and b"METHOD:REPLY" in got.content
    assert b"PARTSTAT=TENTATIVE" in got.content
    multiget = requests.request(
        "REPORT",
        inbox,
        data=f"""<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
          <D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>{href}</D:href></C:calendar-multiget>""".encode(),
        headers={"Depth": "1", "Content-Type": "application/xml"},
        auth=auth,
        timeout=10,
    )
    assert multiget.status_code == 207 and "METHOD:REPLY" in multiget.text
    # the principal names its inbox
    principal = requests.request(
        "PROPFIND",
        f"{live.url}/dav/principals/lena/",
        headers={"Depth": "0"},
        data=b'<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:schedule-inbox-URL/>'
        b"<C:schedule-outbox-URL/></D:prop></D:propfind>",
        auth=auth,
        timeout=10,
    )
    assert principal.status_code == 207
    assert etree.fromstring(principal.content).findtext(".//C:schedule-inbox-URL/D:href", namespaces=NS) == (
        "/dav/principals/lena/inbox/"
    )
    # Otto sees neither Lena's inbox nor its message
    otto = ("otto", world["otto"]["app_password"])
    assert requests.request("PROPFIND", inbox, headers={"Depth": "1"}, auth=otto, timeout=10).status_code == 404
    assert requests.get(live.url + href, auth=otto, timeout=10).status_code == 404
    assert requests.delete(live.url + href, auth=otto, timeout=10).status_code == 404
    # Lena deletes it once processed
    assert requests.delete(live.url + href, auth=auth, timeout=10).status_code == 204
    assert requests.get(live.url + href, auth=auth, timeout=10).status_code == 404
    assert inbox_size(live, world) == 0


def test_an_unchanged_put_asks_nothing_and_keeps_the_rooms_answer(live, world, calendar_app, run_task):
    put(live, world, "sitzung.ics", event(count=2))
    [invitation] = sent(calendar_app)
    one, two = keys(2)
    answer(run_task, invitation, {one: "ACCEPTED", two: "DECLINED"})
    # the client sends its own old copy again (PARTSTAT reset): the room's answer stays
    again = put(live, world, "sitzung.ics", event(count=2))
    assert again.status_code == 204
    assert len(sent(calendar_app)) == 1
    assert room_params(stored(live, world, "sitzung.ics")) == {"": ("ACCEPTED", "2.0"), two: ("DECLINED", "2.0")}
    # what the server stored, sent back unchanged, is stored as it is: with its ETag
    data = requests.get(url(live, world, "sitzung.ics"), auth=("lena", world["lena"]["app_password"])).content
    same = put(live, world, "sitzung.ics", data)
    assert same.status_code == 204 and same.headers.get("ETag")
    assert len(sent(calendar_app)) == 1


def test_a_moved_date_asks_again_and_an_older_answer_is_ignored(live, world, calendar_app, run_task):
    put(live, world, "sitzung.ics", event(count=3))
    [first] = sent(calendar_app)
    one, two, three = keys(3)
    later = MONDAY + timedelta(weeks=1, hours=4)
    put(live, world, "sitzung.ics", event(count=3, overrides=(moved("sitzung-1", MONDAY + timedelta(weeks=1), later),)))
    _, second = sent(calendar_app)
    assert second["sequence"] == 2
    asked = {d["key"]: d["starts_at"] for d in second["dates"]}
    assert asked == {one: MONDAY.isoformat(), two: later.isoformat(), three: (MONDAY + timedelta(weeks=2)).isoformat()}
    # the answer to the first invitation comes late: ignored
    assert answer(run_task, first, {one: "DECLINED", two: "DECLINED", three: "DECLINED"}) == "stale"
    assert answer(run_task, second, {one: "TENTATIVE", two: "TENTATIVE", three: "TENTATIVE"}) == "applied"
    assert room_params(stored(live, world, "sitzung.ics")) == {"": ("TENTATIVE", "2.0"), two: ("TENTATIVE", "2.0")}
    # the owner approves (a newer booking_sequence); a copy of the older answer changes nothing
    assert answer(run_task, second, dict.fromkeys((one, two, three), "ACCEPTED"), booking_sequence=1) == "applied"
    assert answer(run_task, second, dict.fromkeys((one, two, three), "TENTATIVE"), booking_sequence=0) == "stale"
    assert room_params(stored(live, world, "sitzung.ics")) == {"": ("ACCEPTED", "2.0"), two: ("ACCEPTED", "2.0")}
    assert inbox_size(live, world) == 2
    # a later change of the booking that leaves every answer as it was: recorded, no new REPLY
    assert answer(run_task, second, dict.fromkeys((one, two, three), "ACCEPTED"), booking_sequence=2) == "stored"
    assert inbox_size(live, world) == 2
    # an override that takes the room off one date asks for the other two only
    put(
        live,
        world,
        "sitzung.ics",
        event(count=3, overrides=(moved("sitzung-1", MONDAY + timedelta(weeks=1), later, attendees=()),)),
    )
    assert [d["key"] for d in sent(calendar_app)[-1]["dates"]] == [one, three]


def test_taking_the_room_off_and_deleting_the_event_ask_for_no_dates(live, world, calendar_app, run_task):
    put(live, world, "a.ics", event(uid="a"))
    put(live, world, "a.ics", event(uid="a", attendees=()))
    put(live, world, "b.ics", event(uid="b"))
    deleted = requests.delete(url(live, world, "b.ics"), auth=("lena", world["lena"]["app_password"]), timeout=10)
    assert deleted.status_code == 204
    messages = sent(calendar_app)
    assert [(m["invitation_uid"].split(":", 1)[1], m["sequence"], len(m["dates"])) for m in messages] == [
        ("a", 1, 1),
        ("a", 2, 0),
        ("b", 1, 1),
        ("b", 2, 0),
    ]
    # an answer to the deleted event's invitation changes nothing
    assert answer(run_task, messages[2], {"": "ACCEPTED"}) == "stale"
    # the event comes back under its UID: the sequence goes on
    put(live, world, "b.ics", event(uid="b"))
    assert sent(calendar_app)[-1]["sequence"] == 3


def test_not_the_organizers_copy_unknown_and_retired_rooms_are_not_asked(live, world, calendar_app):
    # Lena writes a copy of Otto's meeting: the organizer's server schedules it, not this one
    put(live, world, "fremd.ics", event(uid="fremd", organizer="mailto:otto@example.org"))
    assert sent(calendar_app) == []
    assert room_params(stored(live, world, "fremd.ics")) == {"": ("NEEDS-ACTION", None)}
    unknown = ("mailto:raum-9@treffpunkt-jena.de", "mailto:raum-4711@treffpunkt-jena.de")
    answered = put(live, world, "raum.ics", event(uid="raum", attendees=unknown))
    assert answered.status_code == 201 and "ETag" not in answered.headers
    assert sent(calendar_app) == []
    statuses = {
        str(a): a.params.get("SCHEDULE-STATUS") for a in stored(live, world, "raum.ics").walk("VEVENT")[0]["ATTENDEE"]
    }
    assert statuses == {"mailto:lena@example.org": None, unknown[0]: "3.7", unknown[1]: "3.7"}
    # an event without rooms is stored as sent
    plain = put(live, world, "ohne.ics", event(uid="ohne", attendees=()))
    assert plain.status_code == 201 and plain.headers.get("ETag")


def test_a_whole_day_event_cannot_book_the_room(live, world, calendar_app):
    day, next_day = MONDAY.strftime("%Y%m%d"), (MONDAY + timedelta(days=1)).strftime("%Y%m%d")
    data = event(uid="tag").replace(f"DTSTART:{stamp(MONDAY)}".encode(), f"DTSTART;VALUE=DATE:{day}".encode())
    data = data.replace(f"DTEND:{stamp(MONDAY + timedelta(hours=1))}".encode(), f"DTEND;VALUE=DATE:{next_day}".encode())
    put(live, world, "tag.ics", data)
    assert sent(calendar_app) == []
    assert room_params(stored(live, world, "tag.ics")) == {"": ("DECLINED", "2.0")}


def test_invitation_rows_are_kept_per_calendar_and_uid(live, world, calendar_app, store):
    put(live, world, "sitzung.ics", event())
    with transaction(calendar_app.extensions["db"]) as session:
        row = session.scalar(select(RoomInvitation))
        assert (row.uid, row.object_name, row.room_id, row.sequence) == ("sitzung-1", "sitzung.ics", 7, 1)
        assert row.account_id == world["lena"]["id"] and row.fingerprint


def test_a_calendar_made_and_filled_by_the_caldav_library_releases_its_rooms_when_deleted(live, world, calendar_app):
    with caldav.DAVClient(url=live.url + "/dav/", username="lena", password=world["lena"]["app_password"]) as client:
        team = client.principal().make_calendar(name="Team")
        team.save_event(event(uid="team-1", count=2).decode())
        [invitation] = sent(calendar_app)
        assert invitation["sequence"] == 1 and len(invitation["dates"]) == 2
        saved = Calendar.from_ical(team.event_by_uid("team-1").data)
        assert room_params(saved) == {"": ("NEEDS-ACTION", "1.2")}
        team.delete()
    released = sent(calendar_app)[-1]
    assert (released["invitation_uid"], released["sequence"], released["dates"]) == (
        invitation["invitation_uid"],
        2,
        [],
    )


def test_an_event_that_is_no_invitation_any_more_releases_its_room(live, world, calendar_app):
    """Thunderbird drops ORGANIZER and ATTENDEE with the last attendee; a colleague's copy of
    another organizer's event keeps the room asked as it was."""
    put(live, world, "c.ics", event(uid="c"))
    lines = [line for line in event(uid="c").split(b"\r\n") if not line.startswith((b"ORGANIZER", b"ATTENDEE"))]
    plain = put(live, world, "c.ics", b"\r\n".join(lines))
    assert plain.status_code == 204 and plain.headers.get("ETag")
    assert [(m["sequence"], len(m["dates"])) for m in sent(calendar_app)] == [(1, 1), (2, 0)]
    put(live, world, "d.ics", event(uid="d"))
    put(live, world, "d.ics", event(uid="d", organizer="mailto:otto@example.org", start=MONDAY + timedelta(hours=2)))
    assert [(m["sequence"], len(m["dates"])) for m in sent(calendar_app)][2:] == [(1, 1)]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "inbox/x.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
        ("MKCALENDAR", "inbox/neu/", b""),
        ("MKCOL", "inbox/neu/", b""),
        ("POST", "inbox/", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
        ("PROPPATCH", "inbox/", b'<D:propertyupdate xmlns:D="DAV:"/>'),
        ("DELETE", "inbox/", b""),
        ("REPORT", "inbox/", b'<D:sync-collection xmlns:D="DAV:"><D:sync-token/></D:sync-collection>'),
        ("REPORT", "inbox/", b""),
        ("GET", "inbox/nie-da.ics", b""),
        ("DELETE", "inbox/nie-da.ics", b""),
    ],
)
def test_what_the_inbox_does_not_allow_is_refused_with_a_4xx(live, world, method, path, body):
    answer = requests.request(
        method,
        f"{live.url}/dav/principals/lena/{path}",
        data=body,
        headers={"Content-Type": "text/calendar" if body.startswith(b"BEGIN") else "application/xml"},
        auth=("lena", world["lena"]["app_password"]),
        timeout=10,
    )
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)


def test_an_inbox_keeps_the_newest_200_messages(calendar_app, people):
    with transaction(calendar_app.extensions["db"]) as session:
        inbox = ScheduleInbox(session)
        names = [
            inbox.deliver(people["lena"]["id"], f"BEGIN:VCALENDAR\r\nX-N:{n}\r\n".encode()) for n in range(LIMIT + 5)
        ]
        inbox.deliver(people["otto"]["id"], b"BEGIN:VCALENDAR\r\n")
    with transaction(calendar_app.extensions["db"]) as session:
        kept = [m.name for m in ScheduleInbox(session).messages(people["lena"]["id"])]
        assert kept == names[5:] and len(ScheduleInbox(session).messages(people["otto"]["id"])) == 1


def test_an_accounts_export_lists_its_invitations_and_erasing_it_forgets_them(live, world, calendar_app, run_task):
    put(live, world, "einmal.ics", event(uid="einmal"))
    answer(run_task, sent(calendar_app)[0], {"": "ACCEPTED"})
    assert inbox_size(live, world) == 1
    with transaction(calendar_app.extensions["db"]) as session:
        sections = account_data.gather(session, world["lena"]["id"]).sections
    (invited,) = sections["room_invitations"]
    assert (invited["event"], invited["room_id"], invited["state"]) == ("einmal", 7, "booked")
    (reply,) = sections["schedule_inbox"]
    assert "METHOD:REPLY" in reply["message"] and "einmal" in reply["message"]
    with transaction(calendar_app.extensions["db"]) as session:
        counts = account_data.erase(session, world["lena"]["id"], [])
    assert counts == {
        "offering_rooms": 0,
        "room_invitations": 1,
        "invited_people": 0,
        "schedule_inbox": 1,
        "calendar_sources": 0,
    }
    assert inbox_size(live, world) == 0
    with transaction(calendar_app.extensions["db"]) as session:
        assert session.scalar(select(RoomInvitation.account_id)) is None


def test_a_weekly_meeting_without_an_end_has_its_year_of_booked_dates_moved_on(live, world, calendar_app, run_task):
    from services.calendar import tasks

    open_ended = event(uid="jourfixe", count=2).replace(b"RRULE:FREQ=WEEKLY;COUNT=2", b"RRULE:FREQ=WEEKLY")
    assert put(live, world, "jourfixe.ics", open_ended).status_code == 201
    [first] = sent(calendar_app)
    answer(run_task, first, {d["key"]: "ACCEPTED" for d in first["dates"]})
    assert room_params(stored(live, world, "jourfixe.ics"))[""] == ("ACCEPTED", "2.0")

    def renew(now: datetime) -> int:
        identity = calendar_app.extensions["identity"]
        return tasks.renew_invitations(calendar_app.extensions["db"], identity.principal, "treffpunkt-jena.de", now)

    assert renew(datetime.now(timezone.utc)) == 0 and len(sent(calendar_app)) == 1  # answered just now
    later = datetime.now(timezone.utc) + timedelta(days=29)
    assert renew(later) == 1
    first_asked, second = sent(calendar_app)
    assert second["sequence"] == first_asked["sequence"] + 1 and second["account_id"] == world["lena"]["id"]
    # a year from four weeks on: the dates of the coming weeks past the first year are asked for
    assert second["dates"][-1]["starts_at"] > first_asked["dates"][-1]["starts_at"]
    assert second["dates"][0]["starts_at"] > later.isoformat()
    assert room_params(stored(live, world, "jourfixe.ics"))[""] == ("NEEDS-ACTION", "1.2")  # until rooms answers
    assert renew(later) == 0  # looked at: not due again for four weeks

    # an event whose room is no longer booked (here: deleted) is not renewed
    answer(run_task, second, {d["key"]: "ACCEPTED" for d in second["dates"]})
    requests.delete(url(live, world, "jourfixe.ics"), auth=("lena", world["lena"]["app_password"]), timeout=10)
    assert renew(later + timedelta(days=60)) == 0
