"""The web pages and notify, as a person with a browser could abuse them: every form on every
page (as the room's owner and as the booker) posted with junk in its fields but a valid CSRF
token, so the view itself has to cope; query parameters on the pages and feeds
(`?page=99999999999999999999` on /notify/, negative, junk, NUL)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import example, given, strategies as st

from tests.fuzz.harness import fuzz_settings
from tests.fuzz.ical import TEXT
from tests.fuzz.session import Session, forms_on

PAGES = [
    "/rooms/",
    "/rooms/{room}",
    "/rooms/bookings",
    "/rooms/bookings/{booking}",
    "/rooms/bookings/{booking}/change/{occurrence}",
    "/rooms/bookings/{booking}/cancel/{occurrence}",
    "/rooms/mine",
    "/rooms/{room}/rules",
    "/rooms/requests",
    "/rooms/suche",
    "/calendar/",
    "/calendar/week/{booking}",
    "/calendar/month/{room}",
    "/calendar/day/{occurrence}",
    "/calendar/offering/{booking}",
    "/calendar/offering/{booking}/{occurrence}.ics",
    "/calendar/subscribe",
    "/calendar/app-passwords/",
    "/notify/",
    "/notify/dead",
    "/notify/preferences",
]
JUNK = st.one_of(
    st.sampled_from(
        [
            "",
            "99999999999999999999",
            "9223372036854775808",
            "-1",
            "0",
            "1e23",
            "NaN",
            "inf",
            "\x00",
            "a\x00b",
            "\x01",
            "00:00",
            "24:00",
            "23:59",
            "08:00+05:00",
            "25:61",
            "8",
            "31.02.2026",
            "29.02.2027",
            "01.01.0001",
            "31.12.9999",
            "01.01.10000",
            "0000-00-00",
            "9999-12-31",
            "2026-13-01",
            "1.1.26",
            "x" * 10_000,
            "<script>alert(1)</script>",
            "ü",
            "😀",
            "%",
            "' OR 1=1 --",
            "1,5",
            "١٢",
            "²",
            "true",
            "on",
            "[]",
            "{}",
            "\r\n",
            " ",
            "-0",
        ]
    ),
    TEXT,
)
PARAMS = [
    "page",
    "q",
    "status",
    "kind",
    "channel",
    "why",
    "date",
    "day",
    "week",
    "next",
    "partner",
    "district",
    "category",
    "audience",
    "access",
    "time",
    "free",
    "seite",
    "from",
    "to",
    "start",
    "end",
    "people",
    "equipment",
    "step_free",
    "room",
    "weekday",
]
QUERY_PAGES = PAGES + [
    "/feeds/network.ics",
    "/feeds/rooms/{room}.ics",
    "/calendar/week",
    "/calendar/month",
    "/rooms/login",
]


@pytest.fixture
def sessions(fuzz_server, people, booked):
    ids = {"room": booked["room_id"], "booking": booked["booking_id"], "occurrence": booked["occurrence_id"]}
    owner = Session(fuzz_server.port).login("lena", people["lena"]["password"])
    booker = Session(fuzz_server.port).login("otto", people["otto"]["password"])
    return ids, {"owner": owner, "booker": booker}


def _plausible(name: str) -> str:
    """A value a person would type where the page leaves the field empty, so that the junk in
    the other fields is what the view has to deal with."""
    day = (date.today() + timedelta(days=9)).strftime("%d.%m.%Y")
    for key, value in (
        ("date", day),
        ("day", day),
        ("until", day),
        ("start", "10:00"),
        ("end", "11:00"),
        ("title", "Fuzz"),
        ("label", "Fuzz"),
        ("reason", "Fuzz"),
        ("count", "3"),
        ("interval", "1"),
    ):
        if key in name:
            return value
    return ""


def _forms(sessions) -> list:
    """Each distinct form once per role (the language switch is on every page)."""
    ids, by_role = sessions
    found = {}
    for role, session in by_role.items():
        for page in PAGES:
            path = page.format(**ids)
            answer = session.request("GET", path)
            if answer.status != 200:
                continue
            for form in forms_on(answer.text, path):
                action = form.action.split("#")[0]
                fields = {name: value or _plausible(name) for name, value in form.fields.items()}
                if "logout" not in action:
                    found.setdefault(
                        (role, form.method, action, tuple(sorted(fields))),
                        (role, form.method, action, fields, form.text),
                    )
    return list(found.values())


def _submit(fuzz, session, method: str, action: str, values: dict, text: frozenset) -> None:
    headers = session.headers()
    if method == "GET":
        fuzz.send("GET", f"{action}?{urlencode(values)}", headers=headers)
        return
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    answer = fuzz.send("POST", action, urlencode(values), headers)
    typed = [name for name in text if "\x00" in values.get(name, "")]
    if answer and answer.status < 400 and typed and "/language/" not in action:
        fuzz.violated(
            f"a NUL typed into {typed[0]!r} was accepted (answer {answer.status}); it must be refused "
            "with a message: PostgreSQL cannot store it and workers break on it"
        )


# one of each kind of junk in each field of each form, the others as shown: a sweep, not a sample
SWEEP = ["a\x00b", "99999999999999999999", "31.12.9999", "-1", "x" * 5000]


def test_each_field_of_every_form_with_each_kind_of_junk(fuzzer, sessions):
    fuzz = fuzzer(health="/rooms/healthz")
    by_role = sessions[1]
    for role, method, action, fields, text in _forms(sessions):
        for name in fields:
            if name.endswith("csrf_token"):
                continue
            for junk in SWEEP:
                with fuzz.example():
                    _submit(fuzz, by_role[role], method, action, {**fields, name: junk}, text)
    fuzz.assert_sound()


def test_junk_in_every_form(fuzzer, sessions):
    fuzz = fuzzer(health="/rooms/healthz")
    forms = _forms(sessions)
    assert len(forms) >= 10, forms
    by_role = sessions[1]

    @fuzz_settings(200)
    @given(chosen=st.sampled_from(forms), data=st.data())
    def post(chosen, data):
        role, method, action, fields, text = chosen
        values = {}
        for name, shown in fields.items():  # most fields as shown, one or two with junk
            keep = name.endswith("csrf_token") or data.draw(st.integers(0, 2)) > 0
            values[name] = shown if keep else data.draw(JUNK)
        with fuzz.example():
            _submit(fuzz, by_role[role], method, action, values, text)

    post()
    fuzz.assert_sound()


def example_notify_page(test):
    """Issue 9's report: the notify log with a page number beyond bigint."""
    for page in ("/notify/", "/notify/dead"):
        test = example(page=page, role="owner", params=[("page", "99999999999999999999")])(test)
    return test


def test_junk_query_parameters(fuzzer, sessions):
    fuzz = fuzzer(health="/rooms/healthz")
    ids, by_role = sessions

    @fuzz_settings(150)
    @given(
        page=st.sampled_from(QUERY_PAGES),
        role=st.sampled_from(["owner", "booker", "anonymous"]),
        params=st.lists(st.tuples(st.sampled_from(PARAMS), JUNK), min_size=1, max_size=4),
    )
    @example_notify_page
    def ask(page, role, params):
        headers = by_role[role].headers() if role in by_role else {}
        with fuzz.example():
            fuzz.send("GET", f"{page.format(**ids)}?{urlencode(params)}", headers=headers)

    ask()
    fuzz.assert_sound()
