"""The room exchange's figures for the funders: summed by the database (PostgreSQL here, SQLite
as in make run below) from bookings made through the API, with exact numbers: a booking over a
month's end, a weekly series with a cancelled date, a request approved and one declined, a
booking by another partner, opening hours with a closure. Then the page and the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from shared.periods import Month, Period, month_of

from services.rooms.db.figures import room_figures
from services.rooms.db.models import Base, Booking, Occurrence, Room

from tests.support.rooms import BERLIN, at

Y = date.today().year + 1  # a whole year ahead: every date can still be booked
WEEKDAYS = ("mo", "di", "mi", "do", "fr")


def _first(weekday: int, day: date) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekdays(first: date, last: date) -> int:
    return sum(1 for i in range((last - first).days + 1) if (first + timedelta(days=i)).weekday() < 5)


@pytest.fixture
def used(rooms_app, rooms, approval_room, api_auth):
    client = rooms_app.test_client()

    def call(who, path, body, method="post"):
        response = getattr(client, method)(f"/api/rooms{path}", headers=api_auth(who), json=body)
        assert response.status_code < 300, response.json
        return response.json

    def book(who, room, start, end, **extra):
        body = {"room_id": room, "starts_at": start.isoformat(), "ends_at": end.isoformat(), "title": "Termin"}
        return call(who, "/bookings", {**body, **extra})

    # Lena's Küche: Monday to Friday 08:00–20:00, closed 2–6 March
    call(
        "lena",
        f"/rooms/{rooms['kueche']}/rules",
        {
            "opening": {d: ["08:00", "20:00"] for d in WEEKDAYS},
            "closures": [{"first_day": f"{Y}-03-02", "last_day": f"{Y}-03-06"}],
        },
        method="put",
    )
    # Lena (MGH Lobeda) books Otto's Clubraum (AWO Nord) either side of the month's end at night:
    # a booking ends the day it begins, but 1 February 00:00–02:00 in Jena is still January in UTC
    book("lena", rooms["club"], at(date(Y, 1, 31), 21, 30), at(date(Y, 1, 31), 23, 30))
    book("lena", rooms["club"], at(date(Y, 2, 1), 0), at(date(Y, 2, 1), 2))
    # Otto's own weekly course there, four Tuesdays from the first in March, the second cancelled
    tuesday = _first(1, date(Y, 3, 1))
    weekly = book(
        "otto", rooms["club"], at(tuesday, 10), at(tuesday, 11, 30), recurrence={"freq": "weekly", "count": 4}
    )
    second = sorted(weekly["occurrences"], key=lambda o: o["starts_at"])[1]
    call("otto", f"/bookings/{weekly['id']}/cancel", {"scope": "occurrence", "occurrence_id": second["id"]})
    # two requests of Otto's for Lena's Saal, which needs approval: one approved, one declined
    approved = book("otto", rooms["saal"], at(date(Y, 2, 10), 14), at(date(Y, 2, 10), 16))
    declined = book("otto", rooms["saal"], at(date(Y, 2, 12), 14), at(date(Y, 2, 12), 16))
    assert approved["status"] == declined["status"] == "requested"
    call("lena", f"/bookings/{approved['id']}/approve", {})
    call("lena", f"/bookings/{declined['id']}/decline", {})
    # Lena in her own Küche: three hours on a Monday after the closure
    monday = _first(0, date(Y, 3, 9))
    book("lena", rooms["kueche"], at(monday, 9), at(monday, 12))
    return rooms


def _figures(app, first: Month, last: Month):
    with app.extensions["db"]() as session:
        return room_figures(session, Period(first, last), BERLIN)


def test_room_use_is_summed_by_room_and_month_with_exact_numbers(rooms_app, used):
    found = _figures(rooms_app, Month(Y, 1), Month(Y, 3))
    use = {(r.room.id, r.month.month): r.use for r in found.rows}
    club, saal, kueche = used["club"], used["saal"], used["kueche"]
    days_in_feb = (date(Y, 3, 1) - date(Y, 2, 1)).days

    # either side of the month's end: the months are Jena's, not UTC's
    assert (use[club, 1].booked_minutes, use[club, 1].other_minutes, use[club, 1].dates) == (120, 120, 1)
    assert (use[club, 2].booked_minutes, use[club, 2].other_minutes, use[club, 2].dates) == (120, 120, 1)
    assert use[club, 1].other_dates == use[club, 2].other_dates == 1
    # the weekly series: three dates of 90 minutes held, one cancelled; the owner's own
    assert (use[club, 3].booked_minutes, use[club, 3].dates, use[club, 3].cancelled) == (270, 3, 1)
    assert (use[club, 3].other_minutes, use[club, 3].other_dates) == (0, 0)
    # no opening hours: open all day, every day
    assert use[club, 2].open_minutes == days_in_feb * 24 * 60
    # the approved request holds the Saal; the declined one neither holds it nor counts as cancelled
    assert (use[saal, 2].booked_minutes, use[saal, 2].other_minutes, use[saal, 2].dates) == (120, 120, 1)
    assert use[saal, 2].cancelled == 0
    # opening hours without the closed days; the share of them booked
    open_march = (_weekdays(date(Y, 3, 1), date(Y, 3, 31)) - _weekdays(date(Y, 3, 2), date(Y, 3, 6))) * 12 * 60
    assert use[kueche, 3].open_minutes == open_march
    assert use[kueche, 3].booked_minutes == 180 and use[kueche, 3].share == 180 / open_march
    assert use[kueche, 1].open_minutes == _weekdays(date(Y, 1, 1), date(Y, 1, 31)) * 12 * 60

    # the decisions count in the month they were taken: this one
    now = month_of(datetime.now(BERLIN).date())
    decided = {r.room.id: r.use for r in _figures(rooms_app, now, now).rows}
    assert (decided[saal].approved, decided[saal].declined) == (1, 1)
    assert (decided[club].approved, decided[club].declined) == (0, 0)

    # the sums by month and by house
    by_month = dict(found.by_month())
    assert by_month[Month(Y, 1)].booked_minutes == 120
    assert by_month[Month(Y, 2)].booked_minutes == 240 and by_month[Month(Y, 3)].booked_minutes == 450
    by_partner = dict(found.by_partner())
    lena_partner = next(r.room.partner_id for r in found.rows if r.room.id == saal)
    assert by_partner[lena_partner].booked_minutes == 120 + 180
    assert found.total().booked_minutes == 120 + 120 + 270 + 120 + 180


def test_the_csv_has_one_row_per_room_and_month_for_german_excel(rooms_app, used, web):
    response = web("kora").get(f"/rooms/figures.csv?von=01.{Y}&bis=03.{Y}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"raumbelegung-{Y}-01-bis-{Y}-03.csv" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Monat", "Haus", "Raum", "Raum-Nr", "Minuten gebucht"]
    assert len(rows) == 1 + 3 * 3  # three rooms, three months
    club_feb = next(r for r in rows if r[0] == f"{Y}-02" and r[3] == str(used["club"]))
    assert club_feb[1:3] == ["AWO Begegnungsstätte Nord", "Clubraum"]
    days_in_feb = (date(Y, 3, 1) - date(Y, 2, 1)).days
    assert club_feb[4:] == ["120", "120", str(days_in_feb * 1440), "1", "1", "0", "0", "0"]
    club_mar = next(r for r in rows if r[0] == f"{Y}-03" and r[3] == str(used["club"]))
    assert club_mar[4] == "270" and club_mar[7:10] == ["3", "0", "1"]


def test_the_page_shows_charts_with_their_tables(rooms_app, used, web):
    page = web("kora").get(f"/rooms/figures?von=01.{Y}&bis=03.{Y}").get_data(as_text=True)
    assert page.count('role="img"') == 3 and '<title id="monate-title">' in page
    assert f"01.{Y} bis 03.{Y}" in page
    assert f'href="/rooms/figures.csv?von=01.{Y}&amp;bis=03.{Y}"' in page
    assert "Clubraum" in page and "AWO Begegnungsstätte Nord" in page


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("von=13.2025", "von", "Bitte einen Monat mit Jahr angeben"),
        ("von=Mai", "von", "Bitte einen Monat mit Jahr angeben"),
        ("von=01.1999", "von", "zwischen 2000 und 2199"),
        ("von=05.2025&bis=04.2025", "bis", "liegt vor dem ersten"),
        ("von=01.2020&bis=01.2025", "bis", "Höchstens fünf Jahre"),
    ],
)
def test_a_period_that_cannot_be_read_is_a_400_at_its_field(rooms_app, people, web, query, field, message):
    for path in ("/rooms/figures", "/rooms/figures.csv"):
        response = web("kora").get(f"{path}?{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page
        tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)[0]
        assert "autofocus" in tag and 'aria-invalid="true"' in tag  # the form opens at its error


def test_the_default_period_is_the_last_twelve_months(rooms_app, people, web):
    page = web("kora").get("/rooms/figures").get_data(as_text=True)
    this = month_of(datetime.now(BERLIN).date())
    assert f"{this.plus(-11).shown()} bis {this.shown()}" in page


def test_sqlite_sums_the_same_way(tmp_path):
    """make run keeps the rooms in SQLite: the same query there, on rows written directly (one
    over midnight at the month's end, as data from before the same-day rule could be)."""
    engine = create_engine(f"sqlite:///{tmp_path}/rooms.db")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add(Room(id=1, partner_id=7, name="Saal"))
        s.add(Booking(id=1, room_id=1, booker_account_id=1, booker_partner_id=8, title="a", status="confirmed"))
        s.add(Booking(id=2, room_id=1, booker_account_id=2, booker_partner_id=7, title="b", status="confirmed"))
        for booking, start, end, state in (
            (1, at(date(2026, 1, 31), 23), at(date(2026, 2, 1), 1, 30), "valid"),  # over the month's end
            (2, at(date(2026, 2, 3), 10), at(date(2026, 2, 3), 12), "valid"),
            (2, at(date(2026, 2, 10), 10), at(date(2026, 2, 10), 12), "cancelled"),
        ):
            s.add(Occurrence(booking_id=booking, room_id=1, starts_at=start, ends_at=end, state=state))
        s.commit()
        found = room_figures(s, Period(Month(2026, 1), Month(2026, 2)), BERLIN)
    jan, feb = (r.use for r in found.rows)
    assert (jan.booked_minutes, jan.other_minutes, jan.dates, jan.other_dates) == (60, 60, 1, 1)
    assert (feb.booked_minutes, feb.other_minutes, feb.dates, feb.cancelled) == (90 + 120, 90, 1, 1)
    assert feb.open_minutes == 28 * 1440
    assert datetime(2026, 1, 31, 22, tzinfo=timezone.utc) == at(date(2026, 1, 31), 23)  # Berlin is UTC+1 then
