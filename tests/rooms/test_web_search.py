"""The search page: filters and a wanted window -> the free rooms, each with its week as a picture."""

import re

from lxml import html as lhtml

from tests.support.rooms import next_week, post_booking_form


def _weekday(day) -> str:
    return str(day.weekday())


def test_search_finds_only_free_matching_rooms_with_a_week_grid(rooms, web):
    day = next_week()
    assert (
        post_booking_form(
            web("lena"), rooms["saal"], date=day.isoformat(), start="15:30", end="16:30", title="Chor"
        ).status_code
        == 302
    )
    page = web("otto").get(
        "/rooms/suche",
        query_string={"day": day.isoformat(), "start": "15:00", "end": "17:00", "capacity": "10", "step_free": "y"},
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    results = html.split('id="treffer"')[1].split('id="suche"')[0]
    assert "Küche" in results  # free, step-free, 12 places
    assert "Großer Saal" not in results  # booked 15:30–16:30
    assert "Clubraum" not in results  # not step-free
    assert "Chor" not in html
    tree = lhtml.fromstring(html)
    [svg] = tree.xpath("//ol[@class='results']//details//svg")
    assert svg.get("role") == "img" and svg.xpath("./title")[0].text.startswith("Belegung von Küche")
    assert svg.xpath(".//rect[@class='g-wanted']")  # the wanted window is outlined
    assert "Gewünscht:" in svg.xpath("./desc")[0].text
    # the list of all rooms stays reachable below
    assert all(name in html.split('id="alle"')[1] for name in ("Großer Saal", "Küche", "Clubraum"))


def test_busy_blocks_are_shaded_and_summarised(rooms, web):
    day = next_week()
    post_booking_form(web("lena"), rooms["kueche"], date=day.isoformat(), start="10:00", end="12:00", title="Kochen")
    html = (
        web("otto")
        .get(
            "/rooms/", query_string={"weekday": _weekday(day), "start": "15:00", "end": "16:00", "equipment": "kueche"}
        )
        .get_data(as_text=True)
    )
    results = html.split('id="treffer"')[1].split('id="suche"')[0]
    assert "Küche" in results and "Clubraum" not in results
    assert results.count('class="g-busy"') == 1
    assert re.search(r"belegt 10:00–12:00", results)


def test_equipment_and_district_filters(rooms, web):
    day = next_week()
    html = (
        web("lena")
        .get(
            "/rooms/",
            query_string={
                "day": day.isoformat(),
                "start": "09:00",
                "end": "10:00",
                "equipment": ["klavier"],
                "district": "Lobeda",
            },
        )
        .get_data(as_text=True)
    )
    results = html.split('id="treffer"')[1].split('id="suche"')[0]
    assert "Clubraum" in results and "Küche" not in results and "Großer Saal" not in results


def test_incomplete_window_is_a_400_with_messages_tied_to_fields(rooms, web):
    response = web("lena").get("/rooms/", query_string={"start": "17:00", "end": "15:00", "capacity": "viele"})
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    for field, text in (
        ("day", "Wochentag oder ein Datum"),
        ("end", "Ende muss nach dem Beginn"),
        ("capacity", "ganze Zahl"),
    ):
        [element] = tree.xpath(f"//*[@id='{field}']")
        assert f"{field}-error" in element.get("aria-describedby", ""), field
        assert text in tree.xpath(f"//*[@id='{field}-error']")[0].text_content()


def test_every_search_field_has_a_label(rooms, web):
    tree = lhtml.fromstring(web("lena").get("/rooms/").get_data(as_text=True))
    labelled = {label.get("for") for label in tree.xpath("//label")}
    fields = tree.xpath("//main//input[not(@type='hidden')] | //main//select | //main//textarea")
    assert fields
    assert all(f.get("id") in labelled for f in fields), [f.get("name") for f in fields if f.get("id") not in labelled]


def test_room_page_leafs_through_weeks_with_plain_links(rooms, web):
    day = next_week() + __import__("datetime").timedelta(weeks=3)
    post_booking_form(web("lena"), rooms["kueche"], date=day.isoformat(), start="10:00", end="12:00", title="Kochen")
    client = web("otto")
    html = client.get(f"/rooms/{rooms['kueche']}").get_data(as_text=True)
    assert 'class="g-busy"' not in html.split('id="woche"')[1].split("</figure>")[0]
    html = client.get(f"/rooms/{rooms['kueche']}?woche={day.isoformat()}").get_data(as_text=True)
    grid = html.split('id="woche"')[1].split("</figure>")[0]
    assert grid.count('class="g-busy"') == 1 and "belegt 10:00–12:00" in grid and "Kochen" not in grid
    assert "Woche davor" in html and "Woche danach" in html
