"""The booking form as a first-time user meets it: one-off is the default; the recurrence fields
show only with the frequency they belong to (CSS :has, no JavaScript) and are ignored while hidden;
"alle n Wochen" asks for its number of weeks instead of pre-filling 2; nothing is cut off or
scrolls sideways on a 390 px phone (Chromium)."""

from __future__ import annotations

import pytest
from lxml import html as lhtml
from playwright.sync_api import expect

from services.rooms.db.models import Booking

from tests.support.live import LiveServer
from tests.support.login import PASSWORD
from tests.support.rooms import count, next_week, post_booking_form

WIDTHS = (390, 1280)


def test_one_off_is_the_default_and_nothing_is_pre_filled_for_a_repetition(rooms, web):
    tree = lhtml.fromstring(web("otto").get(f"/rooms/{rooms['saal']}").get_data(as_text=True))
    radios = tree.xpath("//fieldset[@class='repeat']//input[@name='freq']")
    assert [r.get("value") for r in radios] == ["once", "weekly", "nweekly", "monthly"]
    assert [r.get("value") for r in radios if r.get("checked") is not None] == ["once"]
    assert tree.xpath("//fieldset[@class='repeat']/legend")[0].text == "Wiederholung"
    assert tree.xpath("//input[@name='interval']")[0].get("value") in (None, "")
    hints = " ".join(tree.xpath("//form//span[@class='hint']/text()"))
    assert "14.01.2027" in hints and "2025" not in hints


def test_hidden_recurrence_fields_are_ignored_for_a_one_off(rooms_app, rooms, web):
    day = next_week()
    response = post_booking_form(
        web("otto"),
        rooms["saal"],
        date=day.isoformat(),
        start="10:00",
        end="11:00",
        title="Einmal",
        freq="once",
        interval="99",  # typed while "alle n Wochen" was chosen, then back to one-off
        count="zwei",
        until="gestern",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with rooms_app.extensions["db"]() as s:
        booking = s.query(Booking).one()
        assert booking.recurrence is None and len(booking.occurrences) == 1


def test_every_n_weeks_asks_for_the_number_of_weeks(rooms_app, rooms, web):
    fields = {"date": next_week().isoformat(), "start": "10:00", "end": "11:00", "title": "Kurs", "count": "3"}
    response = post_booking_form(web("otto"), rooms["saal"], action="preview", freq="nweekly", **fields)
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert tree.xpath("//input[@name='interval']")[0].get("aria-invalid") == "true"
    assert "alle wie viele Wochen" in tree.xpath("//span[@id='interval-error']")[0].text
    assert count(rooms_app, Booking) == 0
    response = post_booking_form(web("otto"), rooms["saal"], action="preview", freq="nweekly", interval="3", **fields)
    assert response.status_code == 200 and "Vorschau: 3 Termine" in response.get_data(as_text=True)


SIDEWAYS = "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
CUT_OFF = """() => [...document.querySelectorAll('form label, form input, form select, form button')]
    .filter(el => el.offsetParent !== null)
    .filter(el => { const r = el.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth; })
    .map(el => el.id || el.htmlFor || el.name)"""


@pytest.mark.parametrize("width", WIDTHS)
def test_recurrence_fields_follow_the_chosen_frequency_without_javascript(browser, frontdoor, rooms, people, width):
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    with LiveServer(frontdoor) as live:
        page.goto(f"{live.url}/rooms/login")
        page.get_by_label("Benutzername").fill("otto")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{live.url}/rooms/")
        page.goto(f"{live.url}/rooms/{rooms['saal']}")
        shown = {
            "once": (),
            "weekly": ("until", "count"),
            "nweekly": ("interval", "until", "count"),
            "monthly": ("ordinal", "until", "count"),
        }
        labels = {"once": "einmalig", "weekly": "wöchentlich", "nweekly": "alle n Wochen", "monthly": "monatlich"}
        expect(page.get_by_role("radio", name="einmalig")).to_be_checked()
        for freq, visible in shown.items():
            page.get_by_role("radio", name=labels[freq]).check()
            for name in ("interval", "ordinal", "until", "count"):
                field = page.locator(f"#{name}")
                (expect(field).to_be_visible if name in visible else expect(field).to_be_hidden)()
            assert page.evaluate(SIDEWAYS) == 0, f"{freq} at {width} px scrolls sideways"
            assert page.evaluate(CUT_OFF) == [], f"{freq} at {width} px"
        until = page.get_by_label("Wiederholen bis (Datum)")
        until.scroll_into_view_if_needed()
        expect(until).to_be_in_viewport(ratio=1.0)  # whole, not cut off at the edge
    context.close()
