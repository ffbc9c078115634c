"""The calendar's history of held dates and the figures across its mark, with exact numbers.

A weekly café (MGH Lobeda, 10:00, eight dates from 27 days ago) and a lunch ten days ago (AWO
Nord) are recorded up to eight days ago. Then the café is edited: every date an hour later (new
RECURRENCE-IDs for all), a recorded date cancelled afterwards, the last unrecorded past date and a
coming one cancelled; the lunch is deleted. Before the mark the history counts (as recorded:
held, lunch included), from it on the public index (as it stands). A hidden offering and an event
of a private calendar are recorded but never counted. Then the same on SQLite (make run)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.periods import Period, month_of

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.store import sql_held_dates
from services.calendar.store.models import (
    Base,
    Calendar,
    CalendarObject,
    HeldDate,
    PublicDate,
    PublicOffering,
)
from services.calendar.store.sql_figures import offering_figures
from services.calendar.tasks import record_held_dates

from tests.support.calendar import berlin_vtimezone
from tests.support.login import login
from tests.support.vocabulary import WORDS

TODAY = datetime.now(LOCAL).date()
SERIES = [TODAY + timedelta(days=d) for d in (-27, -20, -13, -6, 1, 8, 15, 22)]
LUNCH = TODAY - timedelta(days=10)
MARK = datetime.combine(TODAY - timedelta(days=8), time(), LOCAL).astimezone(timezone.utc)


def _stamp(day: date, hour: int) -> str:
    return f"{day:%Y%m%d}T{hour:02d}0000"


def _vevent(uid: str, day: date, hour: int, *lines: str) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"DTSTART;TZID=Europe/Berlin:{_stamp(day, hour)}",
        f"DTEND;TZID=Europe/Berlin:{_stamp(day, hour + 2)}",
        *lines,
        "END:VEVENT",
    ]


def _calendar(*events: list[str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//DE", berlin_vtimezone().to_ical().decode().strip()]
    for event in events:
        lines += event
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def _cafe(hour: int, cancelled: tuple[date, ...] = ()) -> bytes:
    facets = ("SUMMARY:Seniorencafé", "CATEGORIES:Begegnung", "X-TREFFPUNKT-AUDIENCE:Senioren")
    master = _vevent("cafe", SERIES[0], hour, "RRULE:FREQ=WEEKLY;COUNT=8", *facets)
    overrides = [
        _vevent("cafe", day, hour, f"RECURRENCE-ID;TZID=Europe/Berlin:{_stamp(day, hour)}", "STATUS:CANCELLED", *facets)
        for day in cancelled
    ]
    return _calendar(master, *overrides)


@pytest.fixture
def recorded(people, store, calendar_app):
    """Everything stored, then recorded up to MARK (the first run starts 62 days before it)."""
    with store() as s:
        lobeda = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        team = s.ensure_partner_calendar(people["lena"]["partner_id"], "team", "Team MGH Lobeda", public=False)
        nord = s.ensure_partner_calendar(people["otto"]["partner_id"], "nord", "Angebote AWO Nord")
        s.put(lobeda.id, "cafe.ics", _cafe(10))
        s.put(nord.id, "tisch.ics", _calendar(_vevent("tisch", LUNCH, 12, "SUMMARY:Mittagstisch", "CATEGORIES:Essen")))
        s.put(nord.id, "markt.ics", _calendar(_vevent("markt", TODAY - timedelta(days=3), 9, "SUMMARY:Flohmarkt")))
        s.set_hidden(nord.id, "markt.ics", True)
        s.put(team.id, "runde.ics", _calendar(_vevent("runde", TODAY - timedelta(days=5), 9, "SUMMARY:Runde")))
    assert record_held_dates(calendar_app.extensions["db"], MARK) == 4  # café three times, the lunch
    assert record_held_dates(calendar_app.extensions["db"], MARK) == 0
    return lobeda, nord


def _edit_after_recording(store, lobeda, nord, cancelled) -> None:
    with store() as s:
        s.put(lobeda.id, "cafe.ics", _cafe(11, cancelled))
        assert s.delete(nord.id, "tisch.ics")


def _figures(calendar_app, identity, period: Period | None = None):
    districts = {p["id"]: p["district"] for p in identity.partners()}
    with calendar_app.extensions["db"]() as session:
        return offering_figures(
            session,
            period or Period(month_of(SERIES[0]), month_of(SERIES[-1])),
            LOCAL,
            utcnow(),
            districts,
            identity.vocabulary(),
        )


def _counts(c) -> tuple[int, int, int, int]:
    return (c.offerings, c.held, c.planned, c.cancelled)


def _by_month(found) -> dict:
    return {m: (c.held, c.planned, c.cancelled) for m, c in found.by_month}


def _expected_months(kinds: list[tuple[date, str]]) -> dict:
    found = {m: [0, 0, 0] for m in Period(month_of(SERIES[0]), month_of(SERIES[-1])).months()}
    for day, kind in kinds:
        found[month_of(day)][("held", "planned", "cancelled").index(kind)] += 1
    return {m: tuple(v) for m, v in found.items()}


def test_before_the_mark_the_history_counts_from_it_the_index(calendar_app, identity, store, recorded):
    lobeda, nord = recorded
    _edit_after_recording(store, lobeda, nord, cancelled=(SERIES[2], SERIES[3], SERIES[5]))
    found = _figures(calendar_app, identity)
    # history: café -27, -20, -13 (held when recorded, cancelled later: stays held), lunch (deleted
    # later: stays); index: café -6 cancelled, +8 cancelled, +1, +15, +22 to come; never twice
    assert _counts(found.total) == (2, 4, 3, 2)
    assert {d: _counts(c) for d, c in found.by_district} == {"Lobeda": (1, 3, 3, 2), "Nord": (1, 1, 0, 0)}
    assert dict((k, _counts(c)) for k, c in found.by_category)["Essen"] == (1, 1, 0, 0)
    assert _by_month(found) == _expected_months(
        [(d, "held") for d in (*SERIES[:3], LUNCH)]
        + [(SERIES[3], "cancelled"), (SERIES[5], "cancelled")]
        + [(d, "planned") for d in (SERIES[4], SERIES[6], SERIES[7])]
    )
    assert found.counted_from == MARK - timedelta(days=62)


def test_a_date_recorded_once_stays_as_it_was_when_it_began(calendar_app, identity, store, recorded, run_task):
    lobeda, nord = recorded
    _edit_after_recording(store, lobeda, nord, cancelled=(SERIES[3],))
    # the next hourly run takes the café's -6 (cancelled), the hidden market and the private meeting
    assert run_task("calendar.record_dates", {}) == 3
    assert run_task("calendar.record_dates", {}) == 0
    with store() as s:  # the -6 date un-cancelled after it was recorded: the history keeps it cancelled
        s.put(lobeda.id, "cafe.ics", _cafe(11))
    found = _figures(calendar_app, identity)
    assert _counts(found.total) == (2, 4, 4, 1)
    with calendar_app.extensions["db"]() as session:
        rows = session.execute(
            select(HeldDate.uid, HeldDate.public, func.count()).group_by(HeldDate.uid, HeldDate.public)
        )
        assert sorted(rows) == [("cafe", True, 4), ("markt", False, 1), ("runde", False, 1), ("tisch", True, 1)]
        until = sql_held_dates.reach(session)[1]
    assert MARK < until <= utcnow()


def test_the_page_says_where_the_history_begins(calendar_app, people, recorded):
    client = calendar_app.test_client()
    login(client, "kora", service="calendar")
    first, last = month_of(SERIES[0]), month_of(SERIES[-1])
    page = client.get(f"/calendar/figures?von={first.shown()}&bis={last.shown()}").get_data(as_text=True)
    assert "erst seit dem" not in page and "als er begann" in page
    page = client.get(f"/calendar/figures?bis={last.shown()}").get_data(as_text=True)  # twelve months
    since = (MARK - timedelta(days=62)).astimezone(LOCAL)
    assert f"erst seit dem {since:%d.%m.%Y} fest" in page


def test_without_a_history_the_index_counts_everything(calendar_app, identity, store, people):
    with store() as s:
        lobeda = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        s.put(lobeda.id, "cafe.ics", _cafe(10, cancelled=(SERIES[1],)))
    found = _figures(calendar_app, identity)
    assert _counts(found.total) == (1, 3, 4, 1)
    assert found.counted_from < utcnow() - timedelta(days=61)


def test_sqlite_records_and_counts_across_the_mark(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/calendar.db")
    Base.metadata.create_all(engine)
    days = [datetime(2026, 3, d, 9, tzinfo=timezone.utc) for d in (2, 9, 16, 23)]
    with Session(engine) as s:
        s.add(Calendar(id=1, slug="a", displayname="A", kind="partner", owner_partner_id=5, public=True))
        s.add(CalendarObject(id=1, calendar_id=1, name="a.ics", uid="a", etag="x", revision=1))
        s.add(PublicOffering(object_id=1, calendar_id=1, partner_id=5, uid="a", title="A", categories=",Sport,"))
        s.add_all(PublicDate(offering_id=1, starts_at=d, ends_at=d + timedelta(hours=1), key=f"{d:%d}") for d in days)
        s.commit()
        sql_held_dates.begin(s, datetime(2026, 2, 1, tzinfo=timezone.utc))
        while sql_held_dates.record(s, datetime(2026, 3, 12, tzinfo=timezone.utc))[1]:
            pass
        s.commit()
        assert sql_held_dates.record(s, datetime(2026, 3, 12, tzinfo=timezone.utc)) == (0, False)
        # afterwards every date is cancelled in the index: the recorded ones stay held
        for row in s.scalars(select(PublicDate)):
            row.cancelled = True
        s.commit()
        found = offering_figures(
            s, Period(month_of(date(2026, 2, 1)), month_of(date(2026, 3, 1))), LOCAL, days[-1], {5: "Ost"}, WORDS
        )
    assert [_counts(c) for _m, c in found.by_month] == [(0, 0, 0, 0), (1, 2, 0, 2)]
    assert dict(found.by_category)["Sport"] == found.total
    assert found.counted_from == datetime(2026, 2, 1, tzinfo=timezone.utc)
