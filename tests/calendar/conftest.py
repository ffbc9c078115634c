"""Fixtures of the calendar tests: a live HTTP server for real CalDAV clients, the calendar
store on the real database, and booking messages built through the shared contract."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest

from shared import contracts
from shared.db import transaction
from tests.support.live import LiveServer


@pytest.fixture(scope="session")
def live(frontdoor):
    with LiveServer(frontdoor) as server:
        yield server


@pytest.fixture
def store(calendar_app):
    """`with store() as s:` a SqlStore in one committed transaction."""
    from services.calendar.dav.sqlstore import SqlStore

    @contextmanager
    def open_store():
        with transaction(calendar_app.extensions["db"]) as session:
            yield SqlStore(session)

    return open_store


@pytest.fixture
def run_task(calendar_app):
    """Run a consumed task in this process through Celery's own task machinery."""

    def run(task_name: str, message: dict):
        return calendar_app.extensions["celery"].tasks[task_name].apply(kwargs=message).get()

    return run


START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def booking_message(**overrides) -> dict:
    payload = dict(booking_id=1, uid="booking-1@treffpunkt-jena.de", sequence=0, room_id=7, partner_id=1,
                   title="Chorprobe der Generationen", status="confirmed", public=True,
                   occurrences=[{"starts_at": START + timedelta(weeks=n), "ends_at": START + timedelta(weeks=n, hours=2)}
                                for n in range(3)])
    payload.update(overrides)
    return contracts.build("calendar.booking_changed", **payload)


def room_message(**overrides) -> dict:
    payload = dict(room_id=7, partner_id=1, name="Saal im Erdgeschoss", district="Lobeda",
                   address="Karl-Marx-Allee 28, 07747 Jena", capacity=40, step_free=True, revision=1)
    payload.update(overrides)
    return contracts.build("calendar.room_changed", **payload)


def weekly_event(uid: str = "offer-1", summary: str = "Seniorengymnastik", categories=("Sport",),
                 audience: str = "Senioren", extra: str = "", klass: str = "PUBLIC") -> bytes:
    """A weekly Monday 10:00 Europe/Berlin series, as a CalDAV client would send it."""
    from shared.timezones import berlin_vtimezone

    tz = berlin_vtimezone().to_ical().decode()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//DE", tz.strip(), "BEGIN:VEVENT",
             f"UID:{uid}", "DTSTAMP:20260101T000000Z", f"SUMMARY:{summary}",
             "DTSTART;TZID=Europe/Berlin:20260105T100000", "DTEND;TZID=Europe/Berlin:20260105T110000",
             "RRULE:FREQ=WEEKLY", f"CATEGORIES:{','.join(categories)}", f"X-TREFFPUNKT-AUDIENCE:{audience}",
             f"CLASS:{klass}"]
    if extra:
        lines.append(extra)
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()
