"""Fixtures of the fuzz suite: one gunicorn front door for the whole run (restarted after a
hang) and a Fuzzer per test; tests/conftest.py prints the figures at the end.

`make test` runs every test with its base number of examples, derandomized (the same examples
every run, no example database); `make fuzz` sets FUZZ_SCALE to run many more, at random."""

from __future__ import annotations

import base64

import pytest

from tests.fuzz.harness import FIGURES, Fuzzer, Sent, Server, raw_request


@pytest.fixture(scope="session")
def fuzz_server(settings, tmp_path_factory):
    server = Server(settings, tmp_path_factory.mktemp("fuzz")).start()
    yield server
    server.stop()


@pytest.fixture
def fuzzer(fuzz_server, request):
    """A Fuzzer for this test: fuzzer(health=..., user=..., secret=...)."""

    def make(**kwargs) -> Fuzzer:
        return Fuzzer(fuzz_server, FIGURES, request.node.name, **kwargs)

    return make


@pytest.fixture
def lena_calendar(fuzz_server, people) -> str:
    """The path of Lena's own calendar (made on the first visit of her calendar home)."""
    auth = "Basic " + base64.b64encode(f"lena:{people['lena']['app_password']}".encode()).decode()
    answer = raw_request(
        fuzz_server.port, Sent("PROPFIND", "/dav/calendars/lena/", {"Authorization": auth, "Depth": "1"}), timeout=30
    )
    assert answer.status == 207, answer.text
    slug = f"partner-{people['lena']['partner_id']}-angebote"
    assert f"/dav/calendars/lena/{slug}/" in answer.text
    return f"/dav/calendars/lena/{slug}/"


@pytest.fixture
def booked(fuzz_server, people, lobeda_room) -> dict:
    """Lena's room, booked by Otto next week through the API: real ids for paths to aim at."""
    import json
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    day = date.today() + timedelta(days=7)
    start = datetime.combine(day, time(15), tzinfo=ZoneInfo("Europe/Berlin"))
    body = json.dumps(
        {
            "room_id": lobeda_room,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "title": "Skatrunde",
        }
    ).encode()
    auth = "Basic " + base64.b64encode(f"otto:{people['otto']['app_password']}".encode()).decode()
    answer = raw_request(
        fuzz_server.port,
        Sent("POST", "/api/rooms/bookings", {"Authorization": auth, "Content-Type": "application/json"}, body),
        timeout=30,
    )
    assert answer.status == 201, answer.text
    booking = json.loads(answer.body)
    return {
        "room_id": lobeda_room,
        "booking_id": booking["id"],
        "occurrence_id": booking["occurrences"][0]["id"] if booking.get("occurrences") else 1,
    }
