"""The week picture shows closed time as closed: the days of a closure and the hours outside the
room's opening hours are hatched, with a legend, and the SVG's <desc> and the caption say it in
words ("geschlossen (Weihnachtsferien)"), on the room page and in the search results."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from lxml import html as lhtml

from services.rooms.booking.rules import put_rules
from services.rooms.db.week_terms import ClosedTerms
from services.rooms.domain import Closure, RoomRules
from services.rooms.web import grid

from tests.support.rooms import next_week, post_booking_form, run

BERLIN = ZoneInfo("Europe/Berlin")
HOLIDAYS = {"first_day": None, "last_day": None, "reason": "Weihnachtsferien", "all_rooms": True}


def _christmas_monday() -> date:
    """The Monday of the week with the next 23 December that is at least a week away."""
    today = date.today()
    year = today.year if today + timedelta(days=7) < date(today.year, 12, 23) else today.year + 1
    day = date(year, 12, 23)
    return day - timedelta(days=day.weekday())


def _close(rooms_app, people, room_id, first, last, opening=None):
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    values = {"closures": [{**HOLIDAYS, "first_day": first, "last_day": last}]}
    if opening:
        values["opening"] = opening
    run(rooms_app.extensions["db"], put_rules, lena, room_id, values)


def _figure(html: str, after: str):
    tree = lhtml.fromstring(html.split(after)[1])
    return tree.xpath("//figure")[0]


def test_week_marks_closure_days_and_time_outside_opening_hours():
    monday = date(2027, 12, 20)
    terms = ClosedTerms(
        RoomRules(opening={k: (time(8), time(20)) for k in ("mo", "di", "mi", "do", "fr")}),
        (Closure(date(2027, 12, 23), date(2028, 1, 1), "Weihnachtsferien"),),
    )
    week = grid.week(monday, [], BERLIN, terms=terms)
    assert [t.closed_all_day for t in week.terms] == [False, False, False, True, True, True, True]
    assert week.terms[3].closure.reason == "Weihnachtsferien"
    assert week.terms[0].opening == (time(8), time(20))
    # Monday to Wednesday: 07–08 and 20–23 closed; Thursday to Sunday: the whole day
    by_day = {i: [(b.start, b.end) for b in week.closed if b.day == i] for i in range(7)}
    assert by_day[0] == [(time(7), time(8)), (time(20), time(23))]
    assert all(by_day[i] == [(time(7), time(23))] for i in range(3, 7))
    assert grid.week(monday, [], BERLIN).closed == []  # no rules known: nothing drawn closed


def test_room_page_shows_a_closed_week_as_closed_in_picture_and_words(rooms_app, rooms, people, web):
    monday = _christmas_monday()
    first, last = date(monday.year, 12, 23), date(monday.year + 1, 1, 1)
    opening = {k: ["08:00", "20:00"] for k in ("mo", "di", "mi", "do", "fr")}
    _close(rooms_app, people, rooms["kueche"], first, last, opening)
    html = web("otto").get(f"/rooms/{rooms['kueche']}?woche={monday.isoformat()}").get_data(as_text=True)
    figure = _figure(html, 'id="woche"')
    desc = figure.xpath(".//desc")[0].text_content()
    caption = figure.xpath(".//figcaption")[0].text_content()
    closed_day = first.strftime("%-d.%-m.")
    for words in (desc, caption):
        assert f"{closed_day}: geschlossen (Weihnachtsferien)" in words
    assert "geöffnet 08:00–20:00, frei" in desc  # the days before the holidays
    # a closed or weekend day is one hatched block; an open weekday two (before 08:00, after 20:00)
    days = [monday + timedelta(days=i) for i in range(7)]
    blocks = sum(1 if first <= d <= last or d.weekday() >= 5 else 2 for d in days)
    assert len(figure.xpath(".//rect[@class='g-closed']")) == blocks
    assert "geschlossen" in figure.xpath(".//ul[@class='legend']")[0].text_content()
    # the week before Christmas has opening hours only: no day "geschlossen (…)"
    html = web("otto").get(f"/rooms/{rooms['kueche']}?woche={(monday - timedelta(weeks=2)).isoformat()}")
    desc = _figure(html.get_data(as_text=True), 'id="woche"').xpath(".//desc")[0].text_content()
    assert "Weihnachtsferien" not in desc and desc.count("geöffnet 08:00–20:00") == 5


def test_room_without_rules_shows_no_closed_time(rooms, web):
    html = web("otto").get(f"/rooms/{rooms['club']}").get_data(as_text=True)
    figure = _figure(html, 'id="woche"')
    assert not figure.xpath(".//rect[@class='g-closed']") and "geschlossen" not in figure.text_content()


def test_search_results_show_closed_days_of_the_week(rooms_app, rooms, people, web):
    day = next_week()
    closed = day + timedelta(days=1) if day.weekday() < 6 else day - timedelta(days=1)  # same week
    _close(rooms_app, people, rooms["kueche"], closed, closed)
    post_booking_form(web("lena"), rooms["kueche"], date=day.isoformat(), start="08:00", end="09:00", title="Frühstück")
    page = web("otto").get("/rooms/suche", query_string={"day": day.isoformat(), "start": "15:00", "end": "17:00"})
    html = page.get_data(as_text=True)
    results = html.split('id="treffer"')[1].split('id="alle"')[0]
    tree = lhtml.fromstring(results)
    [kueche] = [f for f in tree.xpath("//figure") if "Küche" in f.xpath(".//title")[0].text]
    desc = kueche.xpath(".//desc")[0].text_content()
    assert f"{closed.strftime('%-d.%-m.')}: geschlossen (Weihnachtsferien)" in desc
    assert "belegt 08:00–09:00" in desc and "Frühstück" not in results
    assert len(kueche.xpath(".//rect[@class='g-closed']")) == 1
