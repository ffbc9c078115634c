"""Free/busy of a room with real worker processes: the owner's rules and a booking made in the
rooms service travel as messages (outbox, Redis, the calendar's worker) into the calendar, and
the room's principal answers them over CalDAV."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import caldav
import pytest
from icalendar import Calendar

from shared import outbox

from services.rooms.booking import rules
from services.rooms.db.models import OutboxMessage

from tests.support.live import LiveServer
from tests.support.rooms import book_one, run
from tests.support.workers import wait_until

pytestmark = pytest.mark.e2e
UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_rules_and_a_booking_reach_the_rooms_free_busy(frontdoor, workers, lobeda_room, people, rooms_app):
    factory, celery = rooms_app.extensions["db"], rooms_app.extensions["celery"]
    identity = rooms_app.extensions["identity"]
    day = date.today() + timedelta(days=9)
    closed = day + timedelta(days=1)
    run(
        factory,
        rules.put_rules,
        identity.principal(people["lena"]["id"]),
        lobeda_room,
        {"buffer_minutes": 15, "closures": [{"first_day": closed, "last_day": closed}]},
    )
    starts = datetime.combine(day, time(15), BERLIN)
    book_one(
        factory, identity.principal(people["otto"]["id"]), lobeda_room, starts, starts + timedelta(hours=1), "Skat"
    )
    outbox.relay(factory, OutboxMessage, celery)  # as the beat's sweep would

    window_start = datetime.combine(day, time(), BERLIN)
    window_end = datetime.combine(day + timedelta(days=2), time(), BERLIN)
    address = f"mailto:raum-{lobeda_room}@treffpunkt-jena.de"
    expected = [
        f"FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:{_stamp(starts - timedelta(minutes=15))}/{_stamp(starts)}",
        f"FREEBUSY;FBTYPE=BUSY:{_stamp(starts)}/{_stamp(starts + timedelta(hours=1))}",
        f"FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:{_stamp(starts + timedelta(hours=1))}/"
        f"{_stamp(starts + timedelta(minutes=75))}",
        f"FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:{_stamp(datetime.combine(closed, time(), BERLIN))}/{_stamp(window_end)}",
    ]
    with LiveServer(frontdoor) as live:
        client = caldav.DAVClient(url=f"{live.url}/dav/", username="lena", password=people["lena"]["app_password"])

        def busy_lines():
            reply = client.principal().freebusy_request(window_start, window_end, [address])[address].data
            component = next(c for c in Calendar.from_ical(reply).walk() if c.name == "VFREEBUSY")
            lines = [x for x in component.to_ical().decode().splitlines() if x.startswith("FREEBUSY")]
            return lines if lines == expected else None

        wait_until(busy_lines, what="the booking, its buffer and the closure in the room's free/busy")
        found = client.search_principals(name="großer")
        assert [p.get_display_name() for p in found] == ["Großer Saal"]
