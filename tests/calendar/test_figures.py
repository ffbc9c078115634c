"""The calendar's figures for the funders, summed by PostgreSQL from the public index with exact
numbers: a weekly series with held, planned and one cancelled date, a one-off date held, a
cancelled one-off, a private event that never counts; by month, district, category, audience.
Then the page, the CSV, and the same query on SQLite (make run)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.periods import Period, month_of

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.store.models import Base, Calendar, CalendarObject, PublicDate, PublicOffering
from services.calendar.store.sql_figures import offering_figures

from tests.support.calendar import berlin_vtimezone
from tests.support.login import login
from tests.support.vocabulary import WORDS

TODAY = datetime.now(LOCAL).date()
SERIES = [TODAY + timedelta(days=d) for d in (-27, -20, -13, -6, 1, 8, 15, 22)]  # 10:00, weekly
LUNCH = TODAY - timedelta(days=10)
THEATRE = TODAY + timedelta(days=5)


def _stamp(day: date, hour: int) -> str:
    return f"{day:%Y%m%d}T{hour:02d}0000"


def _event(uid: str, summary: str, day: date, *lines: str) -> bytes:
    body = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//DE",
        berlin_vtimezone().to_ical().decode().strip(),
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"SUMMARY:{summary}",
        f"DTSTART;TZID=Europe/Berlin:{_stamp(day, 10)}",
        f"DTEND;TZID=Europe/Berlin:{_stamp(day, 12)}",
        *lines,
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(body) + "\r\n").encode()


@pytest.fixture
def offered(people, store):
    """MGH Lobeda (Lobeda): the café, weekly, its sixth date taken out; a private team meeting.
    AWO Nord (Nord): a lunch held ten days ago; a puppet show in Winzerla, cancelled."""
    with store() as s:
        lobeda = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        nord = s.ensure_partner_calendar(people["otto"]["partner_id"], "nord", "Angebote AWO Nord")
        s.put(
            lobeda.id,
            "cafe.ics",
            _event(
                "cafe",
                "Seniorencafé",
                SERIES[0],
                "RRULE:FREQ=WEEKLY;COUNT=8",
                f"EXDATE;TZID=Europe/Berlin:{_stamp(SERIES[5], 10)}",
                "CATEGORIES:Begegnung",
                "X-TREFFPUNKT-AUDIENCE:Senioren",
            ),
        )
        s.put(lobeda.id, "team.ics", _event("team", "Teamsitzung", SERIES[4], "CLASS:PRIVATE", "CATEGORIES:Bildung"))
        s.put(
            nord.id,
            "tisch.ics",
            _event("tisch", "Mittagstisch", LUNCH, "CATEGORIES:Essen", "X-TREFFPUNKT-AUDIENCE:Alle"),
        )
        s.put(
            nord.id,
            "puppen.ics",
            _event(
                "puppen",
                "Puppentheater",
                THEATRE,
                "STATUS:CANCELLED",
                "CATEGORIES:Kultur",
                "X-TREFFPUNKT-AUDIENCE:Kinder,Familien",
                "X-TREFFPUNKT-DISTRICT:Winzerla",
            ),
        )


def _period() -> Period:
    return Period(month_of(SERIES[0]), month_of(SERIES[-1]))


def _figures(calendar_app, people, identity):
    districts = {p["id"]: p["district"] for p in identity.partners()}
    with calendar_app.extensions["db"]() as session:
        return offering_figures(session, _period(), LOCAL, utcnow(), districts, identity.vocabulary())


def _counts(c) -> tuple[int, int, int, int]:
    return (c.offerings, c.held, c.planned, c.cancelled)


def test_offerings_and_dates_are_summed_by_month_district_category_and_audience(
    calendar_app, people, identity, offered
):
    found = _figures(calendar_app, people, identity)
    # café: four dates held, three to come, one taken out; lunch held; puppet show cancelled
    assert _counts(found.total) == (3, 5, 3, 2)
    assert {d: _counts(c) for d, c in found.by_district} == {
        "Lobeda": (1, 4, 3, 1),  # the partner's district
        "Nord": (1, 1, 0, 0),
        "Winzerla": (1, 0, 0, 1),  # the offering's own
    }
    categories = {k: _counts(c) for k, c in found.by_category}
    assert categories["Begegnung"] == (1, 4, 3, 1) and categories["Essen"] == (1, 1, 0, 0)
    assert categories["Kultur"] == (1, 0, 0, 1) and categories["Bildung"] == (0, 0, 0, 0)  # the private one
    audiences = {k: _counts(c) for k, c in found.by_audience}
    assert audiences["Kinder"] == audiences["Familien"] == (1, 0, 0, 1)
    assert audiences["Senioren"] == (1, 4, 3, 1) and audiences["Alle"] == (1, 1, 0, 0)
    assert audiences["Jugendliche"] == (0, 0, 0, 0)

    # each date in the month it starts, Jena time
    expected: dict = {}
    for day, kind in [(d, "held" if d < TODAY else "planned") for d in SERIES if d != SERIES[5]] + [
        (SERIES[5], "cancelled"),
        (LUNCH, "held"),
        (THEATRE, "cancelled"),
    ]:
        expected.setdefault(month_of(day), []).append(kind)
    for month, counts in found.by_month:
        kinds = expected.get(month, [])
        assert (counts.held, counts.planned, counts.cancelled) == (
            kinds.count("held"),
            kinds.count("planned"),
            kinds.count("cancelled"),
        ), month
    assert [m for m, _c in found.by_month] == _period().months()


def test_the_csv_and_the_page_for_the_office(calendar_app, people, offered):
    client = calendar_app.test_client()
    login(client, "kora", service="calendar")
    period = _period()
    query = f"von={period.first.shown()}&bis={period.last.shown()}"
    response = client.get(f"/calendar/figures.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Aufteilung", "Wert", "Angebote", "Termine stattgefunden", "Termine geplant", "Termine abgesagt"]
    assert ["Stadtteil", "Lobeda", "1", "4", "3", "1"] in rows
    assert ["Zielgruppe", "Kinder", "1", "0", "0", "1"] in rows
    assert rows[-1] == ["Gesamt", "", "3", "5", "3", "2"]

    page = client.get(f"/calendar/figures?{query}").get_data(as_text=True)
    assert page.count('role="img"') == 4 and "Senior:innen" in page and "Winzerla" in page
    assert "Seniorencafé" not in page  # figures, not offerings


def test_sqlite_sums_the_same_way(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/calendar.db")
    Base.metadata.create_all(engine)
    now = datetime(2026, 3, 15, 12, tzinfo=timezone.utc)
    with Session(engine) as s:
        s.add(Calendar(id=1, slug="a", displayname="A", kind="partner", owner_partner_id=5, public=True))
        s.add(CalendarObject(id=1, calendar_id=1, name="a.ics", uid="a", etag="x", revision=1))
        s.add(
            PublicOffering(
                object_id=1, calendar_id=1, partner_id=5, uid="a", title="A", categories=",Sport,", audiences=",Alle,"
            )
        )
        for day, cancelled in ((date(2026, 2, 28), False), (date(2026, 3, 1), False), (date(2026, 3, 20), True)):
            start = datetime.combine(day, time(0, 30), LOCAL).astimezone(
                timezone.utc
            )  # 1 March 00:30 is February in UTC
            s.add(PublicDate(offering_id=1, starts_at=start, ends_at=start + timedelta(hours=1), cancelled=cancelled))
        s.commit()
        found = offering_figures(
            s, Period(month_of(date(2026, 2, 1)), month_of(date(2026, 3, 1))), LOCAL, now, {5: "Ost"}, WORDS
        )
    assert [_counts(c) for _m, c in found.by_month] == [(1, 1, 0, 0), (1, 1, 0, 1)]
    assert dict(found.by_district)["Ost"] == found.total and _counts(found.total) == (1, 2, 0, 1)
    assert dict(found.by_category)["Sport"] == found.total
