"""schemathesis against the rooms API's own OpenAPI document (/api/rooms/openapi.json, served by
flask-smorest), through gunicorn with an app password: every operation, with data that fits the
schema and with data that does not, a bounded number of examples each; then the inputs issue 9
reported by hand. Beyond status < 500 in time: a NUL in a JSON string is never accepted."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
import schemathesis
from hypothesis import given
from schemathesis import GenerationMode

from tests.fuzz.harness import Sent, fuzz_settings, raw_request

SPEC = "/api/rooms/openapi.json"


@pytest.fixture
def api(fuzzer, fuzz_server, people, booked):
    spec = json.loads(raw_request(fuzz_server.port, Sent("GET", SPEC, {})).body)
    assert spec["components"]["securitySchemes"]["basic"]["scheme"] == "basic"
    fuzz = fuzzer(health="/rooms/healthz", user="lena", secret=people["lena"]["app_password"])
    return schemathesis.openapi.from_dict(spec), fuzz, booked


def _send(fuzz, case, base: str) -> None:
    kwargs = case.as_transport_kwargs(base_url=base)
    prepared = requests.Request(
        **{k: v for k, v in kwargs.items() if k in ("method", "url", "headers", "params", "json", "data", "cookies")}
    ).prepare()
    path = prepared.url[len(base) :] or "/"
    headers = {k: v for k, v in prepared.headers.items() if k.lower() not in ("authorization", "user-agent")}
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    with fuzz.example():
        answer = fuzz.send(prepared.method, path, body, headers)
        if answer is not None and answer.status < 300 and prepared.method != "GET" and b"\\u0000" in body:
            fuzz.violated(f"a NUL in the JSON body was accepted (answer {answer.status}); it must be refused")


def test_every_operation_of_the_rooms_api(api, fuzz_server):
    schema, fuzz, _booked = api
    base = f"http://127.0.0.1:{fuzz_server.port}"
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15, [op.label for op in operations]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @fuzz_settings(12)
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                _send(fuzz, case, base)

            call()
    fuzz.assert_sound()


def _moment(year: int, month: int = 1, day: int = 1, hour: int = 10) -> str:
    return datetime.combine(date(year, month, day), time(hour), tzinfo=ZoneInfo("UTC")).isoformat()


def test_inputs_reported_in_issue_9(api, fuzz_server):
    """Ids of 2**63 and 10**30 in body and path, dates in year 1 and 9999, an opening hour with an
    offset, a capacity of 1e23, NUL in a title."""
    _schema, fuzz, booked = api
    room, booking = booked["room_id"], booked["booking_id"]
    soon = datetime.now(ZoneInfo("Europe/Berlin")).replace(microsecond=0) + timedelta(days=10)
    hours = iter(range(100))

    def one(**changes) -> dict:
        """A valid booking at an hour of its own (so no case fails only by colliding with another)."""
        start = soon + timedelta(hours=next(hours))
        return {
            "room_id": room,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "title": "Fuzz",
            **changes,
        }

    cases = [
        ("GET", f"/api/rooms/rooms/{2**63}", None),
        ("GET", f"/api/rooms/bookings/{10**30}", None),
        ("GET", f"/api/rooms/rooms/{2**31}/rules", None),
        ("POST", f"/api/rooms/bookings/{2**63}/cancel", {}),
        ("POST", f"/api/rooms/bookings/{booking}/occurrences/{10**30}/restore", {}),
        ("POST", "/api/rooms/bookings", one(room_id=2**63)),
        ("POST", "/api/rooms/bookings", one(room_id=10**30)),
        ("POST", "/api/rooms/preview", one(starts_at=_moment(1), ends_at=_moment(1, hour=11))),
        ("POST", "/api/rooms/bookings", one(starts_at=_moment(9999, 12, 31, 21), ends_at=_moment(9999, 12, 31, 22))),
        (
            "POST",
            "/api/rooms/bookings",
            one(
                starts_at="0006-03-01T00:00:01+03:42",  # found by `make fuzz`
                ends_at="0001-01-01T00:00:00+01:01",
            ),
        ),
        ("POST", "/api/rooms/bookings", one(recurrence={"freq": "weekly", "until": "9999-12-31"})),
        ("POST", "/api/rooms/bookings", one(recurrence={"freq": "weekly", "count": 2**63})),
        ("POST", "/api/rooms/bookings", one(skip=["0001-01-01", "9999-12-31"])),
        ("POST", "/api/rooms/bookings", one(title="Skat\u0000runde")),
        (
            "POST",
            f"/api/rooms/bookings/{booking}/change",
            {"starts_at": _moment(9999, 12, 31, 21), "ends_at": _moment(9999, 12, 31, 22)},
        ),
        ("PUT", f"/api/rooms/rooms/{room}/rules", {"opening": {"mo": ["08:00+05:00", "20:00"]}}),
        ("PUT", f"/api/rooms/rooms/{room}/rules", {"max_days_ahead": 10**30}),
        (
            "PUT",
            f"/api/rooms/rooms/{room}/rules",
            {"closures": [{"first_day": "0001-01-01", "last_day": "9999-12-31", "reason": "\u0000"}]},
        ),
        (
            "GET",
            f"/api/rooms/free?starts_at={soon.isoformat()}&ends_at={(soon + timedelta(hours=1)).isoformat()}"
            "&capacity=1e23",
            None,
        ),
        ("GET", f"/api/rooms/free?starts_at={_moment(1)}&ends_at={_moment(9999, 12, 31)}", None),
    ]
    for method, path, payload in cases:
        body = json.dumps(payload).encode() if payload is not None else b""
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        with fuzz.example():
            answer = fuzz.send(method, path.replace("+", "%2B"), body, headers)
            if answer is not None and answer.status < 300 and b"\\u0000" in body:
                fuzz.violated(f"a NUL in the JSON body was accepted (answer {answer.status}); it must be refused")
    fuzz.assert_sound()
