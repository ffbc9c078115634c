"""Hostile paths: every route of the three apps with each of its parameters replaced by an odd
value (ids beyond bigint, negative, not a number; names with NUL, `.`, `..`, encoded slashes,
invalid UTF-8, very long), and hostile CalDAV object and collection names. Pages are asked with
a logged-in session (POSTs with a valid CSRF token, so the view is reached), the API and CalDAV
with an app password. Beyond status < 500 in time: an object name that is `.`, `..` or holds a
control character is never stored."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given, strategies as st

from tests.fuzz.harness import fuzz_settings
from tests.fuzz.ical import TEXT
from tests.fuzz.session import Session

NUMBERS = [
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999",
    "9223372036854775808",
    "9223372036854775807",
    "2147483648",
    "2147483647",
    "1e3",
    "%D9%A1",
    "%00",
    "..",
    "%2e%2e",
    "abc",
    "+1",
    "01",
    "{room}",
    "{booking}",
    "{occurrence}",
]
NAMES = [
    ".",
    "..",
    "%2e",
    "%2e%2e",
    "%00",
    "a%00b.ics",
    "%2F",
    "a%2Fb.ics",
    "%ff%fe.ics",
    "x" * 5000,
    "%C3%BC.ics",
    "con.ics",
    "..%2f..%2f",
    "~",
    "%20",
    "a;b.ics",
    "%3Fx.ics",
    "%23",
    "a%0d%0ab.ics",
    "%01.ics",
    "%7f.ics",
    "%E2%80%AE.ics",
    "..%5c..%5c",
    ".ics",
    "%25",
    "%",
    "%zz",
]
SKIP = ("/static/", "logout", "healthz", "/language/", "openapi.json", "/docs")
PROGRAMS = ("/dav", "/api/", "/.well-known", "/feeds/")
SMALL_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Fuzz//DE\r\nBEGIN:VEVENT\r\nUID:path-{n}\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260302T100000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _quoted(text: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "".join(f"%{b:02X}" for b in c.encode()) for c in text)


SEGMENTS = st.one_of(st.sampled_from(NAMES), TEXT.map(_quoted))


def _routes(apps) -> list[tuple[str, tuple[str, ...]]]:
    found = set()
    for app in apps.values():
        for rule in app.url_map.iter_rules():
            if not any(s in rule.rule for s in SKIP):
                found.add((rule.rule, tuple(sorted(rule.methods - {"HEAD", "OPTIONS"}))))
    return sorted(found)


@pytest.fixture
def session(fuzz_server, people):
    return Session(fuzz_server.port).login("lena", people["lena"]["password"])


def _fill(rule: str, draw, ids: dict) -> str:
    def value(match):
        converter = match.group(1) or ""
        if converter.startswith(("int", "row_id")):
            return draw(st.sampled_from(NUMBERS))
        if converter.startswith("any"):
            return draw(st.sampled_from(["de", "en", "xx", "%00"]))
        if converter == "path":
            return "/".join(draw(st.lists(SEGMENTS, min_size=1, max_size=4)))
        return draw(SEGMENTS)

    path = re.sub(r"<(?:([^:>]+):)?[^>]+>", value, rule)
    return path.format(**ids)


def test_hostile_paths_on_every_route(fuzzer, apps, people, booked, session):
    fuzz = fuzzer(health="/rooms/healthz", user="lena", secret=people["lena"]["app_password"])
    routes = _routes(apps)
    csrf = session.csrf()
    ids = {"room": booked["room_id"], "booking": booked["booking_id"], "occurrence": booked["occurrence_id"]}

    @fuzz_settings(150)
    @given(route=st.sampled_from(routes), data=st.data())
    def ask(route, data):
        rule, methods = route
        method = data.draw(st.sampled_from(methods))
        path = _fill(rule, data.draw, ids) + data.draw(st.sampled_from(["", "", "/", "?x=%00", "/..", "//"]))
        program = path.startswith(PROGRAMS)
        headers, body = ({}, b"") if program else (session.headers(), b"")
        if method in ("POST", "PUT") and not program:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = f"csrf_token={csrf}".encode()
        elif method in ("POST", "PUT"):
            headers["Content-Type"] = "application/json"
            body = b"{}"
        with fuzz.example():
            fuzz.send(method, path, body, headers, auth=program)

    ask()
    fuzz.assert_sound()


def test_hostile_caldav_names(fuzzer, people, lena_calendar):
    fuzz = fuzzer(health="/calendar/healthz", user="lena", secret=people["lena"]["app_password"])
    methods = ["PUT", "PUT", "GET", "DELETE", "PROPFIND", "MKCALENDAR", "MKCOL", "MOVE", "COPY", "LOCK", "PROPPATCH"]

    @fuzz_settings(120)
    @given(
        name=SEGMENTS,
        method=st.sampled_from(methods),
        where=st.sampled_from(
            [
                "{calendar}",
                "{calendar}",
                "/dav/calendars/lena/",
                "/dav/calendars/otto/",
                "/dav/rooms/",
                "/dav/principals/",
                "/dav/calendars/%2e%2e/",
                "/dav/",
            ]
        ),
        n=st.integers(0, 10**6),
    )
    def ask(name, method, where, n):
        path = where.replace("{calendar}", lena_calendar) + name
        headers = {"Content-Type": "text/calendar", "Destination": lena_calendar + "kopie.ics"}
        body = SMALL_EVENT.format(n=n) if method == "PUT" else ""
        with fuzz.example():
            answer = fuzz.send(method, path, body, headers)
            segment = unquote(name, errors="replace")
            if (
                answer is not None
                and method == "PUT"
                and answer.status in (201, 204)
                and (segment in (".", "..") or any(ord(c) < 32 or ord(c) == 127 for c in segment))
            ):
                fuzz.violated(f"an object named {segment!r} was stored; it must be refused (answer {answer.status})")

    ask()
    fuzz.assert_sound()
