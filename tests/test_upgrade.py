"""Upgrades: databases holding data of the previous release's schema, migrated to the newest,
keep their data, and the current code reads it (stores, use cases, HTTP).

The previous release is services/operations/releases.py's PREVIOUS: the databases are migrated to
exactly its heads and filled with rows written as SQL against THAT schema (never the current
models, which describe the newest one); then `treffpunkt migrate` brings them to whatever head is
now, creating a database the previous release did not have."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from shared import contracts, outbox
from shared.db import make_engine
from shared.migrate import upgrade

from services.cli import main
from services.frontdoor import create_apps
from services.operations.databases import all_databases
from services.operations.releases import PREVIOUS, head_in
from services.operations.revisions import standing
from services.rooms.db.models import OutboxMessage

from tests.operations.support import drop_database, new_databases
from tests.support.login import login
from tests.support.rooms import BERLIN, basic

PASSWORD = "alte-version-passwort"
APP_SECRET = "app-passwort-der-alten-version"
NOW = datetime.now(timezone.utc).replace(microsecond=0)
FIRST = (NOW + timedelta(days=14)).replace(hour=15, minute=0, second=0)  # a Tuesday or not: weekly either way


@pytest.fixture
def previous_release(settings):
    """New databases at exactly the previous release's heads; one that release did not have
    (engagement) stays empty, as an upgraded installation finds it."""
    with new_databases(settings, "upgrade") as old:
        for database in all_databases(old):
            head = head_in(PREVIOUS, database.name)
            if head is not None:
                upgrade(database.migrations, database.url, head)
            assert database.revision() == head
        yield old


class Writer:
    """Rows into one database, as plain SQL: `add(table, **columns)` returns the new row's id."""

    def __init__(self, url: str):
        self.engine = make_engine(url, poolclass=NullPool)
        self.connection = self.engine.connect()

    def add(self, table: str, returning: str | None = "id", **values):
        columns = ", ".join(values)
        marks = ", ".join(f"CAST(:{k} AS json)" if isinstance(v, (dict, list)) else f":{k}" for k, v in values.items())
        bound = {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in values.items()}
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})" + (f" RETURNING {returning}" if returning else "")
        result = self.connection.execute(text(sql), bound)
        return result.scalar_one() if returning else None

    def close(self):
        self.connection.commit()
        self.connection.close()
        self.engine.dispose()


def _write_identity(url: str) -> dict:
    hasher = PasswordHasher()  # the release's own parameters are in the hash; any verify reads them
    w = Writer(url)
    partners = {
        slug: w.add(
            "partners",
            slug=slug,
            name=name,
            district=district,
            address=address,
            contact_email=f"info@{slug}.example.org",
            contact_phone="03641 1234",
            active=True,
        )
        for slug, name, district, address in (
            ("mgh-lobeda", "Mehrgenerationenhaus Lobeda", "Lobeda", "Karl-Marx-Allee 28"),
            ("awo-nord", "AWO Begegnungsstätte Nord", "Nord", "Dornburger Straße 24"),
            ("koordination", "Koordinierungsstelle", "Zentrum", ""),
        )
    }
    accounts = {}
    for username, partner, role, phone in (
        ("lena", "mgh-lobeda", "staff", "0151 23456789"),
        ("otto", "awo-nord", "staff", ""),
        ("kora", "koordination", "coordination", ""),
    ):
        accounts[username] = w.add(
            "accounts",
            username=username,
            display_name=username.title(),
            email=f"{username}@example.org",
            phone=phone,
            language="de",
            role=role,
            partner_id=partners[partner],
            password_hash=hasher.hash(PASSWORD),
            active=True,
            created_at=NOW - timedelta(days=200),
        )
        w.add(
            "app_passwords",
            account_id=accounts[username],
            label="Thunderbird",
            secret_hash=hasher.hash(APP_SECRET),
            created_at=NOW - timedelta(days=100),
        )
    w.close()
    return {"partners": partners, "accounts": accounts}


def _offering_ics(uid: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Treffpunkt//0.1.0//DE\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:{NOW:%Y%m%dT%H%M%SZ}\r\nDTSTART:{FIRST:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{FIRST + timedelta(hours=2):%Y%m%dT%H%M%SZ}\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\n"
        "SUMMARY:Elterncafé am Dienstag\r\nCATEGORIES:Familie\r\nLOCATION:Karl-Marx-Allee 28\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _write_rooms(url: str, people: dict) -> dict:
    lobeda, otto = people["partners"]["mgh-lobeda"], people["accounts"]["otto"]
    w = Writer(url)
    room = w.add(
        "rooms",
        partner_id=lobeda,
        name="Großer Saal",
        district="Lobeda",
        address="Karl-Marx-Allee 28",
        capacity=60,
        equipment=["beamer"],
        step_free=True,
        description="Hell, mit Küche",
        active=True,
        revision=1,
        created_at=NOW - timedelta(days=150),
        updated_at=NOW - timedelta(days=150),
        floor="Erdgeschoss",
    )
    uid = f"booking-{uuid.uuid4()}@treffpunkt-jena.de"
    dates = [(FIRST + timedelta(weeks=i, hours=1), FIRST + timedelta(weeks=i, hours=3)) for i in range(4)]
    local_start, local_end = (moment.astimezone(BERLIN) for moment in dates[0])
    booking = w.add(
        "bookings",
        uid=uid,
        room_id=room,
        booker_account_id=otto,
        booker_partner_id=people["partners"]["awo-nord"],
        title="Seniorentanz",
        status="confirmed",
        sequence=0,
        public=True,
        created_at=NOW - timedelta(days=3),
        updated_at=NOW - timedelta(days=3),
        recurrence={
            "freq": "weekly",
            "interval": 1,
            "count": 4,
            "until": None,
            "ordinal": None,
            "first_day": local_start.date().isoformat(),
            "start": f"{local_start:%H:%M}",
            "end": f"{local_end:%H:%M}",
        },
        description="Tanznachmittag für Ältere",
    )
    for starts_at, ends_at in dates:
        w.add("occurrences", booking_id=booking, room_id=room, starts_at=starts_at, ends_at=ends_at, state="valid")
    message_id = str(uuid.uuid4())
    payload = {  # calendar.booking_changed version 1, as that release wrote it
        "message_id": message_id,
        "version": 1,
        "sender": "rooms",
        "booking_id": booking,
        "uid": uid,
        "sequence": 0,
        "room_id": room,
        "partner_id": people["partners"]["awo-nord"],
        "title": "Seniorentanz",
        "status": "confirmed",
        "public": True,
        "occurrences": [
            {"starts_at": s.isoformat(), "ends_at": e.isoformat(), "state": "valid", "id": None, "cancel_url": ""}
            for s, e in dates
        ],
        "offering_uid": "",
        "room_district": "Lobeda",
        "room_address": "Karl-Marx-Allee 28",
    }
    w.add(
        "outbox",
        message_id=message_id,
        task_name="calendar.booking_changed",
        payload=json.dumps(payload),
        created_at=NOW - timedelta(days=3),
        next_attempt_at=NOW - timedelta(days=3),
        sent_at=None,
        confirmed_at=None,
        attempts=0,
        last_error="",
    )
    w.close()
    return {"room": room, "booking": booking, "uid": uid, "dates": dates, "message_id": message_id}


def _write_calendar(url: str, people: dict, rooms: dict) -> dict:
    w = Writer(url)
    common = dict(description="", color="#2a6f97", public=True, revision=2, created_at=NOW - timedelta(days=150))
    partner_calendar = w.add(
        "calendars",
        slug="angebote",
        kind="partner",
        owner_partner_id=people["partners"]["mgh-lobeda"],
        room_id=None,
        room_revision=0,
        displayname="Angebote im MGH Lobeda",
        timezone=None,
        sort_order=None,
        **common,
    )
    room_calendar = w.add(
        "calendars",
        slug=f"raum-{rooms['room']}",
        kind="room",
        owner_partner_id=people["partners"]["mgh-lobeda"],
        room_id=rooms["room"],
        room_revision=1,
        displayname="Großer Saal",
        timezone=None,
        sort_order=None,
        **common,
    )
    offering_uid = f"angebot-{uuid.uuid4()}@treffpunkt-jena.de"
    objects = (
        (partner_calendar, offering_uid, _offering_ics(offering_uid), "Familie", None),
        (room_calendar, rooms["uid"], _booking_ics(rooms), "", 0),
    )
    for calendar_id, uid, ics, categories, sequence in objects:
        w.add(
            "calendar_objects",
            calendar_id=calendar_id,
            name=f"{uid}.ics",
            uid=uid,
            ics=ics,
            etag=f'"{uuid.uuid4().hex}"',
            component="VEVENT",
            public=True,
            categories=categories,
            audience="",
            first_start=FIRST,
            last_end=FIRST + timedelta(weeks=10),
            source_sequence=sequence,
            revision=1,
            deleted=False,
            updated_at=NOW - timedelta(days=3),
            time_index=None,  # that release's rows may lack it; the current code must cope
            public_until=None,
        )
    w.add("inbox", returning=None, message_id=str(uuid.uuid4()), task_name="calendar.room_changed", processed_at=NOW)
    w.close()
    return {"offering_uid": offering_uid, "partner_calendar": "angebote"}


def _booking_ics(rooms: dict) -> str:
    first, end = rooms["dates"][0]
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Treffpunkt//0.1.0//DE\r\nBEGIN:VEVENT\r\n"
        f"UID:{rooms['uid']}\r\nDTSTAMP:{NOW:%Y%m%dT%H%M%SZ}\r\nDTSTART:{first:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{end:%Y%m%dT%H%M%SZ}\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nSEQUENCE:0\r\n"
        "SUMMARY:Seniorentanz\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _write_notify(url: str, people: dict, rooms: dict) -> dict:
    w = Writer(url)
    otto = people["accounts"]["otto"]
    delivery = w.add(
        "delivery",
        message_id=str(uuid.uuid4()),
        channel="email",
        account_id=otto,
        recipient="otto@example.org",
        kind="confirmed",
        booking_id=rooms["booking"],
        uid=rooms["uid"],
        status="sent",
        attempts=1,
        last_error="",
        subject="Buchung bestätigt: Seniorentanz",
        text="Ihre Buchung im Großen Saal ist bestätigt.",
        body="Subject: Buchung bestätigt: Seniorentanz\r\n\r\nIhre Buchung ist bestätigt.",
        created_at=NOW - timedelta(days=3),
        claimed_at=NOW - timedelta(days=3),
        sent_at=NOW - timedelta(days=3),
        failure="",
        next_attempt_at=None,
    )
    w.add(
        "preference",
        returning=None,
        account_id=otto,
        choices=json.dumps({"confirmed": "email", "reminder": "none"}),
        lead_minutes=None,
        language="de",
        updated_at=NOW - timedelta(days=10),
    )
    w.close()
    return {"delivery": delivery}


def test_data_of_the_previous_release_is_intact_after_migrating_to_the_newest(
    previous_release, notify_settings, monkeypatch
):
    old = previous_release
    people = _write_identity(old.identity_database_url)
    rooms = _write_rooms(old.rooms_database_url, people)
    calendar = _write_calendar(old.calendar_database_url, people, rooms)
    notify = _write_notify(old.notify_database_url, people, rooms)

    # A database new since that release (engagement after 0.1.0) is not even on the server of an
    # installation that ran it (compose's init script made the others on its first start):
    # `treffpunkt migrate` creates it, then builds its schema from the first revision.
    new = [d for d in all_databases(old) if head_in(PREVIOUS, d.name) is None]
    assert all(standing(d).state == "empty" for d in new)
    for database in new:
        drop_database(database.url)
    for name, value in old.to_env().items():
        monkeypatch.setenv(name, value)
    migrated = CliRunner().invoke(main, ["migrate"])
    assert migrated.exit_code == 0, migrated.output
    created = [line for line in migrated.output.splitlines() if line.startswith("created database")]
    assert created == [f"created database {d.name} ({d.where})" for d in new]
    assert all(standing(database).ok for database in all_databases(old))

    apps = create_apps(old, notify_settings)
    try:
        # identity: accounts log in with the passwords they had, app passwords still work
        login(apps["rooms"].test_client(), "lena", PASSWORD)
        principal = apps["rooms"].extensions["identity"].principal(people["accounts"]["otto"])
        assert principal.partner_id == people["partners"]["awo-nord"]

        # rooms: the room and the weekly booking with its four dates, through the API
        api = apps["rooms"].test_client()
        auth = basic("otto", APP_SECRET)
        room = api.get(f"/api/rooms/rooms/{rooms['room']}", headers=auth)
        assert room.status_code == 200, room.get_data(as_text=True)
        assert room.get_json()["name"] == "Großer Saal"
        booking = api.get(f"/api/rooms/bookings/{rooms['booking']}", headers=auth)
        assert booking.status_code == 200, booking.get_data(as_text=True)
        found = booking.get_json()
        assert found["title"] == "Seniorentanz" and found["status"] == "confirmed"
        starts = sorted(datetime.fromisoformat(o["starts_at"]) for o in found["occurrences"])
        assert starts == [s for s, _ in rooms["dates"]]

        # the outbox row of that release is published by today's relay, and today's contract reads it
        factory = apps["rooms"].extensions["db"]
        sent, failed = outbox.relay(factory, OutboxMessage, apps["rooms"].extensions["celery"])
        assert (sent, failed) == (1, 0)
        with factory() as session:
            row = session.query(OutboxMessage).one()
        assert contracts.load(row.task_name, json.loads(row.payload))["uid"] == rooms["uid"]

        # calendar: the offering over CalDAV (lena's partner), the booking in the room's feed
        dav = apps["calendar"].test_client()
        got = dav.get(
            f"/dav/calendars/lena/{calendar['partner_calendar']}/{calendar['offering_uid']}.ics",
            headers=basic("lena", APP_SECRET),
        )
        assert got.status_code == 200, got.get_data(as_text=True)
        event = icalendar.Calendar.from_ical(got.data).walk("VEVENT")[0]
        assert str(event["SUMMARY"]) == "Elterncafé am Dienstag" and "RRULE" in event
        feed = apps["calendar"].test_client().get(f"/feeds/rooms/{rooms['room']}.ics")
        assert feed.status_code == 200 and rooms["uid"] in feed.get_data(as_text=True).replace("\r\n ", "")

        # notify: the delivery in the coordination office's log
        log_page = apps["notify"].test_client()
        login(log_page, "kora", PASSWORD, service="notify")
        listed = log_page.get(f"/notify/deliveries/{notify['delivery']}")
        assert listed.status_code == 200 and "Seniorentanz" in listed.get_data(as_text=True)

        # engagement, new in this release: its pages and its health check work on the new database
        engagement = apps["engagement"].test_client()
        assert engagement.get("/engagement/").status_code == 200
        health = engagement.get("/engagement/healthz")
        assert health.status_code == 200 and health.get_json()["database"] == "ok", health.get_json()
    finally:
        for app in apps.values():
            app.extensions["db"].kw["bind"].dispose()
