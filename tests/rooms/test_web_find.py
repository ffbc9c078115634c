"""Finding a room as people do it: dates and times typed as they type them, results best fit
first with the reason, the page opening at the results, and alternatives when the wanted time
is taken (on the room page after a refused one-off booking, on the search page when nothing is
free), each a link that fills in the booking form."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from lxml import html as lhtml
from sqlalchemy import select

from shared.db import transaction

from services.rooms.booking.rules import add_closure, change_rules
from services.rooms.db.models import Booking

from tests.support.rooms import BERLIN, at, post_booking_form

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def _today():
    return datetime.now(BERLIN).date()


def _tree(response):
    return lhtml.fromstring(response.get_data(as_text=True))


def _results(tree) -> list[tuple[str, str]]:
    return [
        (li.xpath(".//h3/a")[0].text_content(), li.xpath(".//p[@class='fit']")[0].text_content())
        for li in tree.xpath("//ol[@class='results']/li")
    ]


def _links(tree, list_id: str) -> list[tuple[str, dict]]:
    """(text, query) of each link in the alternatives list labelled by list_id."""
    found = []
    for a in tree.xpath(f"//ul[@aria-labelledby='{list_id}']//a"):
        url = urlsplit(a.get("href"))
        found.append((" ".join(a.text_content().split()), {k: v[0] for k, v in parse_qs(url.query).items()}))
    return found


def _stored(rooms_app, title: str) -> list[tuple[datetime, datetime]]:
    with rooms_app.extensions["db"]() as s:
        booking = s.scalars(select(Booking).where(Booking.title == title)).one()
        return [(o.starts_at, o.ends_at) for o in booking.occurrences]


def test_typed_words_and_times_search_and_the_form_shows_what_was_understood(rooms, web):
    day = _today() + timedelta(days=2)
    response = web("otto").get("/rooms/suche", query_string={"day": "übermorgen", "start": "14 Uhr", "end": "16.30"})
    assert response.status_code == 200
    tree = _tree(response)
    heading = tree.xpath("//h2[@id='treffer']")[0].text_content()
    assert f"{day.day}." in heading and "von 14:00 bis 16:30" in heading and WEEKDAYS[day.weekday()] in heading
    short = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")[day.weekday()]
    assert tree.xpath("//input[@id='day']")[0].get("value") == f"{short}, {day:%d.%m.%Y}"
    assert [tree.xpath(f"//input[@id='{f}']")[0].get("value") for f in ("start", "end")] == ["14:00", "16:30"]
    # the same page again, with what it shows now: the same search
    again = web("otto").get(
        "/rooms/suche", query_string={"day": f"{short}, {day:%d.%m.%Y}", "start": "14:00", "end": "16:30"}
    )
    assert again.status_code == 200 and _results(_tree(again)) == _results(tree)


def test_results_come_first_best_fit_first_with_the_reason_and_the_week_folded(rooms, web):
    day = _today() + timedelta(days=9)
    response = web("otto").get(
        "/rooms/", query_string={"day": f"{day.day}.{day.month}.", "start": "10", "end": "12", "capacity": "10"}
    )
    html = response.get_data(as_text=True)
    tree = lhtml.fromstring(html)
    assert _results(tree) == [
        ("Küche", "passt gut: 12 Sitzplätze für 10 Personen"),
        ("Clubraum", "viel größer als nötig: 35 Sitzplätze"),
        ("Großer Saal", "viel größer als nötig: 80 Sitzplätze"),
    ]
    [form] = tree.xpath("//form[@aria-labelledby='suche']")
    assert form.get("action").endswith("#treffer")
    assert html.index('id="treffer"') < html.index('id="suche"') < html.index('id="alle"')
    for li in tree.xpath("//ol[@class='results']/li"):
        [details] = li.xpath("./details")
        assert details.xpath("./summary")[0].text_content() == "Woche ansehen" and details.xpath(".//svg")
        assert details.get("open") is None


def test_the_picker_script_is_a_deferred_file_on_the_pages_with_date_fields(rooms, web):
    client = web("otto")
    for path in ("/rooms/", f"/rooms/{rooms['kueche']}"):
        tree = _tree(client.get(path))
        [script] = tree.xpath("//script")  # no inline script: the CSP allows only files of our own
        assert script.get("src") == "/rooms/static/shared/pick-date.js" and script.get("defer") is not None
        assert script.xpath("ancestor::body") and "script" not in tree.xpath("//title")[0].text_content()
        assert tree.xpath("//input[@id='date' or @id='day']")[0].get("data-picker") == "date"
    assert client.get("/rooms/static/shared/pick-date.js").status_code == 200


def test_a_wish_met_ranks_before_size_and_the_wishes_are_named(rooms, web):
    day = _today() + timedelta(days=9)
    tree = _tree(
        web("otto").get(
            "/rooms/",
            query_string={
                "day": day.isoformat(),
                "start": "10:00",
                "end": "12:00",
                "capacity": "10",
                "equipment": "beamer",
                "step_free": "y",
            },
        )
    )
    assert _results(tree) == [("Großer Saal", "viel größer als nötig: 80 Sitzplätze; mit Beamer; barrierefrei")]


def test_a_day_that_does_not_exist_is_a_400_tied_to_its_field(rooms, web):
    response = web("otto").get("/rooms/", query_string={"day": "31.02.2027", "start": "9:5", "end": "25 Uhr"})
    assert response.status_code == 400
    tree = _tree(response)
    for field, text, typed in (
        ("day", "Den 31.02.2027 gibt es nicht.", "31.02.2027"),
        ("start", "Minuten zweistellig", "9:5"),
        ("end", "Die Uhrzeit 25:00 gibt es nicht.", "25 Uhr"),
    ):
        [element] = tree.xpath(f"//input[@id='{field}']")
        assert f"{field}-error" in element.get("aria-describedby") and element.get("value") == typed
        assert text in tree.xpath(f"//*[@id='{field}-error']")[0].text_content()
    assert tree.xpath("//div[@id='treffer']//*[@role='alert']")  # the fragment lands on the errors


def test_a_booking_typed_as_people_type_it(rooms_app, rooms, web):
    day = _today() + timedelta(days=10)
    response = post_booking_form(
        web("otto"), rooms["kueche"], date=f"{day.day}.{day.month}.", start="9", end="10.30 Uhr", title="Frühstück"
    )
    assert response.status_code == 302
    assert _stored(rooms_app, "Frühstück") == [(at(day, 9), at(day, 10, 30))]


def test_blank_fields_are_missing_not_a_crash(rooms_app, rooms, web):
    for blank in ("", "   "):
        response = post_booking_form(web("otto"), rooms["kueche"], date=blank, start=blank, end="11:00", title="Leer")
        assert response.status_code == 400
        tree = _tree(response)
        assert tree.xpath("//*[@id='date-error']") and tree.xpath("//*[@id='start-error']")
        searched = web("otto").get("/rooms/", query_string={"day": blank, "weekday": "1", "start": "10", "end": "11"})
        assert searched.status_code == 200 and not _tree(searched).xpath("//*[@id='day-error']")


def _take(web, room_id, day, start="14:00", end="16:00"):
    assert (
        post_booking_form(web("lena"), room_id, date=day.isoformat(), start=start, end=end, title="Chor").status_code
        == 302
    )


def test_a_taken_one_off_date_offers_free_times_and_similar_rooms(rooms_app, rooms, web, people):
    day = _today() + timedelta(days=9)
    _take(web, rooms["kueche"], day)
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    with transaction(rooms_app.extensions["db"]) as s:  # open 8–17 (so not 16–18), closed the day after
        change_rules(
            s,
            lena,
            rooms["kueche"],
            {"opening": {k: ["08:00", "17:00"] for k in ("mo", "di", "mi", "do", "fr", "sa", "so")}},
        )
        add_closure(
            s, lena, rooms["kueche"], {"first_day": day + timedelta(days=1), "last_day": day + timedelta(days=1)}
        )
    otto = web("otto")
    response = post_booking_form(
        otto, rooms["kueche"], date=day.isoformat(), start="14 Uhr", end="16 Uhr", title="Kochkurs"
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    tree = lhtml.fromstring(html)
    error = html.index('class="errorbox"')
    assert error < html.index('id="stattdessen"') < html.index('aria-labelledby="buchen"')
    times = _links(tree, "andere-zeiten")
    wanted = [(q["date"], q["start"], q["end"]) for _, q in times]
    before = day - timedelta(days=1)
    assert wanted == [
        (before.isoformat(), "14:00", "16:00"),
        (day.isoformat(), "11:00", "13:00"),
        (day.isoformat(), "11:30", "13:30"),
        (day.isoformat(), "12:00", "14:00"),
        ((day + timedelta(days=2)).isoformat(), "14:00", "16:00"),
    ]  # not 16–18 (closes at 17), not the closed day after
    rooms_offered = _links(tree, "andere-raeume")
    assert [text for text, _ in rooms_offered] == ["Großer Saal", "Clubraum"]
    assert all((q["date"], q["start"], q["end"]) == (day.isoformat(), "14:00", "16:00") for _, q in rooms_offered)
    reasons = [" ".join(li.text_content().split()) for li in tree.xpath("//ul[@aria-labelledby='andere-raeume']/li")]
    assert reasons[0] == "Großer Saal größer: 80 Sitzplätze statt 12; ohne Küche; barrierefrei; in Lobeda"
    # a suggestion fills in the booking form, and books
    page = otto.get(tree.xpath("//ul[@aria-labelledby='andere-zeiten']//a")[1].get("href"))
    form = lhtml.fromstring(page.get_data(as_text=True))
    assert form.xpath("//input[@id='date']")[0].get("value").endswith(f"{day:%d.%m.%Y}")
    assert [form.xpath(f"//input[@id='{f}']")[0].get("value") for f in ("start", "end")] == ["11:00", "13:00"]
    booked = post_booking_form(
        otto, rooms["kueche"], date=day.isoformat(), start="11:00", end="13:00", title="Kochkurs"
    )
    assert booked.status_code == 302


def test_a_series_conflict_lists_its_dates_without_alternatives(rooms, web):
    day = _today() + timedelta(days=9)
    _take(web, rooms["kueche"], day + timedelta(weeks=1))
    response = post_booking_form(
        web("otto"),
        rooms["kueche"],
        date=day.isoformat(),
        start="14:00",
        end="16:00",
        title="Kurs",
        freq="weekly",
        count="3",
        action="book",
    )
    assert response.status_code == 409
    assert 'id="stattdessen"' not in response.get_data(as_text=True)


def test_nothing_free_offers_other_times_and_rooms_that_miss_a_wish(rooms, web):
    day = _today() + timedelta(days=9)
    _take(web, rooms["kueche"], day)
    response = web("otto").get(
        "/rooms/",
        query_string={
            "day": day.isoformat(),
            "start": "14:00",
            "end": "16:00",
            "equipment": "kueche",
            "capacity": "10",
        },
    )
    assert response.status_code == 200
    tree = _tree(response)
    assert _results(tree) == []
    assert "ist kein passender Raum frei" in tree.xpath("//h2[@id='treffer']")[0].text_content()
    assert tree.xpath("//section[@class='found']//p[@role='status']")[0].text_content() == "Das kommt dem am nächsten:"
    times = _links(tree, "andere-zeiten")
    assert [(q["date"], q["start"]) for _, q in times] == [
        ((day - timedelta(days=1)).isoformat(), "14:00"),
        (day.isoformat(), "11:00"),
        (day.isoformat(), "12:00"),
        (day.isoformat(), "16:00"),
        ((day + timedelta(days=1)).isoformat(), "14:00"),
    ]
    assert all(text.endswith(": Küche") for text, _ in times)
    rooms_offered = [
        " ".join(li.text_content().split()) for li in tree.xpath("//ul[@aria-labelledby='andere-raeume']/li")
    ]
    assert rooms_offered == [
        "Clubraum viel größer als nötig: 35 Sitzplätze; ohne Küche",
        "Großer Saal viel größer als nötig: 80 Sitzplätze; ohne Küche",
    ]
