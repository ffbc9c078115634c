"""The Engagementbörse's shifts in their partner's calendar "Ehrenamt: Schichten"
(calendar.engagement_shift): applied through the real task on the real calendar database,
ordered by revision, removed when cancelled, read-only over CalDAV, seen by nobody but the
partner (not on the public pages and feeds), and once through the engagement outbox to a real
calendar worker."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import requests
from icalendar import Calendar
from marshmallow import ValidationError
from sqlalchemy import select

from shared import contracts, outbox
from shared.clock import utcnow
from shared.db import transaction

from services.calendar.domain.engagement_shift import shift_uid
from services.calendar.store.models import CalendarObject
from services.engagement.db import models
from services.engagement.exchange.calendar_sync import tell_calendar
from services.engagement.web.context import ctx_of

from tests.support.engagement import opportunity, shift
from tests.support.workers import Worker, until

STARTS = (utcnow() + timedelta(days=3)).replace(hour=13, minute=0, second=0, microsecond=0)
LINK = "http://localhost:8080/engagement/partner/opportunities/4/shifts"
EVENT = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//DE\r\nBEGIN:VEVENT\r\nUID:hinein-1\r\n"
    b"DTSTAMP:20260101T000000Z\r\nDTSTART:20261220T100000Z\r\nDTEND:20261220T110000Z\r\n"
    b"SUMMARY:Hineingeschrieben\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
RENAME = (
    b'<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop>'
    b"<d:displayname>Umbenannt</d:displayname></d:prop></d:set></d:propertyupdate>"
)
LISTING = b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>'


def shift_message(partner_id: int, **overrides) -> dict:
    payload = dict(
        shift_id=11,
        revision=1,
        partner_id=partner_id,
        opportunity_id=4,
        title="Mittagstisch Lobeda",
        place="Karl-Marx-Allee 28, 07747 Jena",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=3),
        capacity=3,
        confirmed=1,
        waiting=0,
        link=LINK,
    )
    payload.update(overrides)
    return contracts.build("calendar.engagement_shift", **payload)


def _calendar(store, partner_id: int):
    with store() as s:
        return next(c for c in s.calendars() if c.owner_partner_id == partner_id and c.read_only)


def _events(store, partner_id: int) -> dict:
    calendar = _calendar(store, partner_id)
    with store() as s:
        objects = s.objects(calendar.id, with_data=True)
    return {str(e["UID"]): e for o in objects for e in Calendar.from_ical(o.data).walk("VEVENT")}


@pytest.mark.parametrize(
    "bad",
    [
        {"ends_at": STARTS},
        {"capacity": 0},
        {"revision": -1},
        {"confirmed": -1},
        {"title": ""},
        {"link": "javascript:alert(1)"},
        {"place": "x" * 301},
    ],
)
def test_the_contract_refuses_what_no_calendar_can_show(bad):
    with pytest.raises(ValidationError):
        shift_message(1, **bad)
    message = shift_message(1)
    assert contracts.load("calendar.engagement_shift", message)["cancelled"] is False
    naive = {**message, "starts_at": "2026-12-10T09:00:00"}
    with pytest.raises(ValidationError):
        contracts.load("calendar.engagement_shift", naive)


def test_a_shift_appears_in_the_partners_own_read_only_private_calendar(run_task, store, people):
    lena = people["lena"]["partner_id"]
    assert run_task("calendar.engagement_shift", shift_message(lena)) == "stored"
    calendar = _calendar(store, lena)
    assert calendar.displayname == "Ehrenamt: Schichten" and calendar.kind == "partner"
    assert calendar.read_only and not calendar.public
    assert calendar.slug == f"partner-{lena}-ehrenamt-schichten"
    event = _events(store, lena)[shift_uid(11)]
    assert str(event["UID"]) == "engagement-shift-11@treffpunkt-jena"
    assert str(event["SUMMARY"]) == "Ehrenamt: Mittagstisch Lobeda (1/3)"
    assert event.decoded("DTSTART") == STARTS and event.decoded("DTEND") == STARTS + timedelta(hours=3)
    assert str(event["LOCATION"]) == "Karl-Marx-Allee 28, 07747 Jena"
    assert (str(event["STATUS"]), str(event["CLASS"]), int(event["SEQUENCE"])) == ("CONFIRMED", "PRIVATE", 1)
    assert str(event["TRANSP"]) == "TRANSPARENT"
    description = str(event["DESCRIPTION"])
    assert "Angemeldet: 1 von 3 Plätzen" in description and "Freie Plätze: 2" in description
    assert LINK in description
    # a second shift of the same partner goes into the same calendar
    run_task("calendar.engagement_shift", shift_message(lena, shift_id=12))
    assert set(_events(store, lena)) == {shift_uid(11), shift_uid(12)}
    assert [c.id for c in _all_shift_calendars(store)] == [calendar.id]


def _all_shift_calendars(store):
    with store() as s:
        return [c for c in s.calendars() if c.read_only]


def test_a_newer_revision_updates_an_older_is_stale_and_the_same_changes_nothing(run_task, store, people):
    lena = people["lena"]["partner_id"]
    run_task("calendar.engagement_shift", shift_message(lena, revision=1))
    full = shift_message(lena, revision=3, confirmed=3, waiting=2, starts_at=STARTS + timedelta(hours=1))
    assert run_task("calendar.engagement_shift", full) == "stored"
    assert run_task("calendar.engagement_shift", shift_message(lena, revision=2, confirmed=2)) == "stale"
    event = _events(store, lena)[shift_uid(11)]
    assert str(event["SUMMARY"]) == "Ehrenamt: Mittagstisch Lobeda (3/3) – Warteliste 2"
    assert "Auf der Warteliste: 2" in str(event["DESCRIPTION"]) and int(event["SEQUENCE"]) == 3
    assert event.decoded("DTSTART") == STARTS + timedelta(hours=1)
    before = _calendar(store, lena).revision
    again = shift_message(lena, revision=3, confirmed=3, waiting=2, starts_at=STARTS + timedelta(hours=1))
    assert run_task("calendar.engagement_shift", again) == "unchanged"
    assert _calendar(store, lena).revision == before


def test_a_cancelled_shift_leaves_and_an_older_message_cannot_bring_it_back(run_task, store, people, calendar_app):
    lena = people["lena"]["partner_id"]
    run_task("calendar.engagement_shift", shift_message(lena, revision=1))
    assert run_task("calendar.engagement_shift", shift_message(lena, revision=2, cancelled=True)) == "removed"
    assert shift_uid(11) not in _events(store, lena)
    before = _calendar(store, lena).revision
    assert run_task("calendar.engagement_shift", shift_message(lena, revision=2, cancelled=True)) == "removed"
    assert _calendar(store, lena).revision == before  # told again: nothing changes
    assert run_task("calendar.engagement_shift", shift_message(lena, revision=1)) == "stale"
    # a shift cancelled before the calendar ever heard of it stays out too
    assert run_task("calendar.engagement_shift", shift_message(lena, shift_id=13, revision=5, cancelled=True)) == (
        "removed"
    )
    assert run_task("calendar.engagement_shift", shift_message(lena, shift_id=13, revision=4)) == "stale"
    assert _events(store, lena) == {}
    with calendar_app.extensions["db"]() as s:
        live = s.scalars(select(CalendarObject.uid).where(CalendarObject.deleted.is_(False))).all()
    assert live == []


def test_the_calendar_is_read_only_for_the_partners_caldav_client(run_task, store, people, live):
    lena = people["lena"]["partner_id"]
    run_task("calendar.engagement_shift", shift_message(lena))
    slug = _calendar(store, lena).slug
    auth = ("lena", people["lena"]["app_password"])
    url = f"{live.url}/dav/calendars/lena/{slug}/"
    name = "engagement-shift-11.ics"
    got = requests.get(url + name, auth=auth, timeout=10)
    assert got.status_code == 200 and b"Mittagstisch Lobeda (1/3)" in got.content
    put = requests.put(url + "neu.ics", data=EVENT, auth=auth, timeout=10, headers={"Content-Type": "text/calendar"})
    assert put.status_code == 403
    assert "Engagementbörse" in put.text and "Kalender von anderswo" not in put.text
    over = requests.put(url + name, data=EVENT, auth=auth, timeout=10, headers={"Content-Type": "text/calendar"})
    assert over.status_code == 403
    assert requests.delete(url + name, auth=auth, timeout=10).status_code == 403
    assert requests.request("PROPPATCH", url, data=RENAME, auth=auth, timeout=10).status_code == 403
    assert requests.delete(url, auth=auth, timeout=10).status_code == 403
    assert set(_events(store, lena)) == {shift_uid(11)}
    # the shifts' calendar is not the partner's calendar to write in: it still gets its default one
    home = requests.request(
        "PROPFIND", f"{live.url}/dav/calendars/lena/", data=LISTING, auth=auth, timeout=10, headers={"Depth": "1"}
    )
    assert home.status_code == 207
    assert "Ehrenamt: Schichten" in home.text and "Angebote – Mehrgenerationenhaus Lobeda" in home.text


@pytest.mark.parametrize("other", ["otto", "kora"])
def test_no_other_partner_nor_the_office_sees_the_calendar(run_task, store, people, live, other):
    lena = people["lena"]["partner_id"]
    run_task("calendar.engagement_shift", shift_message(lena))
    slug = _calendar(store, lena).slug
    auth = (other, people[other]["app_password"])
    home = requests.request(
        "PROPFIND", f"{live.url}/dav/calendars/{other}/", data=LISTING, auth=auth, timeout=10, headers={"Depth": "1"}
    )
    assert home.status_code == 207 and slug not in home.text and "Ehrenamt" not in home.text
    for path in (f"/dav/calendars/{other}/{slug}/", f"/dav/calendars/{other}/{slug}/engagement-shift-11.ics"):
        assert requests.get(live.url + path, auth=auth, timeout=10).status_code == 404


def _public_event(uid: str, summary: str, starts: datetime) -> bytes:
    stamp = "%Y%m%dT%H%M%SZ"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//DE",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART:{starts.strftime(stamp)}",
        f"DTEND:{(starts + timedelta(hours=1)).strftime(stamp)}",
        f"SUMMARY:{summary}",
        "CLASS:PUBLIC",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_shifts_are_not_on_the_public_pages_or_feeds(run_task, store, people, calendar_app):
    lena = people["lena"]["partner_id"]
    with store() as s:  # beside the shift, a public offering of the same partner that day: that one shows
        offers = s.ensure_partner_calendar(lena, "lobeda", "Angebote MGH Lobeda")
        s.put(offers.id, "fest.ics", _public_event("fest", "Herbstfest", STARTS))
    run_task("calendar.engagement_shift", shift_message(lena))
    client = calendar_app.test_client()
    for path in (
        "/feeds/network.ics",
        "/feeds/network.ics?partner=mgh-lobeda",
        "/calendar/",
        f"/calendar/day/{STARTS.date().isoformat()}",
        "/calendar/?partner=mgh-lobeda",
    ):
        answer = client.get(path)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 200 and "Herbstfest" in text, path
        assert "Mittagstisch" not in text and "engagement-shift" not in text, path
    subscribe = client.get("/calendar/subscribe").get_data(as_text=True)
    assert "Angebote MGH Lobeda" in subscribe and "Ehrenamt" not in subscribe
    with calendar_app.extensions["db"]() as s:
        object_id = s.scalar(select(CalendarObject.id).where(CalendarObject.uid == shift_uid(11)))
    assert client.get(f"/calendar/offering/{object_id}").status_code == 404


def _volunteer(session, email: str, shift_id: int, state: str) -> None:
    volunteer = models.Volunteer(email=email, name=email.split("@")[0], confirmed_at=utcnow())
    session.add(volunteer)
    session.flush()
    session.add(
        models.Signup(
            shift_id=shift_id, volunteer_id=volunteer.id, state=state, name=volunteer.name, queued_at=utcnow()
        )
    )


def test_told_through_the_engagement_outbox_to_a_calendar_worker(apps, store, people, settings, tmp_path):
    engagement = apps["engagement"]
    lena = people["lena"]["partner_id"]
    starts = datetime.combine(STARTS.date(), datetime.min.time(), timezone.utc) + timedelta(hours=8)
    opportunity_id = opportunity(engagement, lena, kind="shift", title="Helfen beim Sommerfest")
    shift_id = shift(engagement, opportunity_id, starts, capacity=2)
    factory = engagement.extensions["db"]
    with transaction(factory) as session:
        for email, state in (("a@example.org", "confirmed"), ("b@example.org", "confirmed")):
            _volunteer(session, email, shift_id, state)
        _volunteer(session, "c@example.org", shift_id, "waiting")
        _volunteer(session, "d@example.org", shift_id, "withdrawn")
    with engagement.app_context(), transaction(factory) as session:
        tell_calendar(session, ctx_of(engagement), session.get(models.Shift, shift_id))
    with transaction(factory) as session:
        assert session.get(models.Shift, shift_id).revision == 1
        rows = session.scalars(select(models.OutboxMessage.task_name)).all()
    assert rows.count("calendar.engagement_shift") == 1
    # published after the commit already; the relay sends whatever that missed
    outbox.relay(factory, models.OutboxMessage, engagement.extensions["celery"])
    worker = Worker("calendar", settings, tmp_path).wait_ready()
    try:
        until(lambda: _all_shift_calendars(store) and shift_uid(shift_id) in _events(store, lena), worker)
    finally:
        worker.stop()
    event = _events(store, lena)[shift_uid(shift_id)]
    assert str(event["SUMMARY"]) == "Ehrenamt: Helfen beim Sommerfest (2/2) – Warteliste 1"
    assert event.decoded("DTSTART") == starts and int(event["SEQUENCE"]) == 1
    assert f"/engagement/partner/opportunities/{opportunity_id}/shifts" in str(event["DESCRIPTION"])


def test_tell_calendar_raises_the_revision_and_says_when_a_shift_is_cancelled(apps, people):
    engagement = apps["engagement"]
    opportunity_id = opportunity(engagement, people["otto"]["partner_id"], kind="shift", place="")
    shift_id = shift(engagement, opportunity_id, STARTS, capacity=4)
    factory = engagement.extensions["db"]
    with engagement.app_context():
        with transaction(factory) as session:
            tell_calendar(session, ctx_of(engagement), session.get(models.Shift, shift_id))
        with transaction(factory) as session:
            told = session.get(models.Shift, shift_id)
            told.cancelled_at = utcnow()
            tell_calendar(session, ctx_of(engagement), told)
    with transaction(factory) as session:
        rows = session.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.id)).all()
        payloads = [json.loads(r.payload) for r in rows if r.task_name == "calendar.engagement_shift"]
        assert session.get(models.Shift, shift_id).revision == 2
    messages = [contracts.load("calendar.engagement_shift", p) for p in payloads]  # as the calendar checks them
    assert [(m["revision"], m["cancelled"]) for m in messages] == [(1, False), (2, True)]
    first = messages[0]
    assert (first["partner_id"], first["opportunity_id"], first["capacity"]) == (
        people["otto"]["partner_id"],
        opportunity_id,
        4,
    )
    assert (first["confirmed"], first["waiting"], first["place"], first["starts_at"]) == (0, 0, "", STARTS)
    assert first["link"].endswith(f"/engagement/partner/opportunities/{opportunity_id}/shifts")
    assert first["sender"] == "engagement"
