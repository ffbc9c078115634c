"""Finding a room in Chromium: a search typed as people type it ("übermorgen", "14 Uhr") opens at
its results; the "Kalender" button beside a date field is labelled, reached by Tab, and writes
the day picked in the browser's own calendar back in German; a refused date offers alternatives;
axe-core finds nothing on these pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests.support.axe import assert_accessible
from tests.support.live import LiveServer
from tests.support.login import PASSWORD
from tests.support.rooms import BERLIN, book_one


def _sideways(page, selector: str) -> list[str]:
    """Elements of this part of the page that reach beyond the window's right edge (the table of
    all rooms further down is another helper's part of issue 11)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector + ', ' + selector + ' *')]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(el => el.tagName + '.' + el.className)""",
        selector,
    )


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_typed_search_picker_and_alternatives(browser, frontdoor, rooms_app, lobeda_room, people, width, height):
    day = datetime.now(BERLIN).date() + timedelta(days=2)
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    book_one(
        rooms_app.extensions["db"],
        lena,
        lobeda_room,
        datetime.combine(day, time(14), tzinfo=BERLIN),
        datetime.combine(day, time(16), tzinfo=BERLIN),
        "Chor",
    )
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="de-DE", viewport={"width": width, "height": height})
        page.goto(f"{live.url}/rooms/")
        page.get_by_label("Benutzername").fill("otto")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Freien Raum finden")).to_be_visible()

        # the Kalender button: after the date field in the tab order, named after it (it is added
        # by a deferred script, which may run after the heading is already visible)
        expect(page.get_by_role("button", name="Kalender: Datum")).to_be_attached()
        page.get_by_label("Datum", exact=True).focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.getAttribute('aria-label')]")
        assert focused == ["BUTTON", "Kalender: Datum"]
        page.keyboard.press("Enter")  # opens the browser's picker (nothing to assert in headless)
        page.keyboard.press("Escape")
        # what the picker hands back is written into the field in German
        page.evaluate(
            """(iso) => { const n = document.querySelector('.picker input[type=date]');
                          n.value = iso; n.dispatchEvent(new Event('change')); }""",
            (day + timedelta(days=7)).isoformat(),
        )
        expect(page.get_by_label("Datum", exact=True)).to_have_value(f"{day + timedelta(days=7):%d.%m.%Y}")
        assert_accessible(page)

        # typed as people type it; the page opens at the results
        page.get_by_label("Datum", exact=True).fill("übermorgen")
        page.get_by_label("Von", exact=True).fill("16 Uhr")
        page.get_by_label("Bis", exact=True).fill("17.30")
        page.get_by_role("button", name="Freie Räume suchen").click()
        expect(page.get_by_role("heading", name="von 16:00 bis 17:30")).to_be_in_viewport()
        assert page.url.endswith("#treffer")
        expect(page.get_by_label("Von", exact=True)).to_have_value("16:00")
        expect(page.locator("ol.results > li")).to_have_count(1)
        expect(page.locator("ol.results > li").first).to_be_in_viewport()
        assert _sideways(page, "section.found") == []
        assert_accessible(page)

        # the taken time: alternatives right under the refusal, each fills in the form
        page.locator("ol.results").get_by_role("link", name="Großer Saal").click()
        page.get_by_label("Beginn", exact=True).fill("14")
        page.get_by_label("Ende", exact=True).fill("16 Uhr")
        page.get_by_label("Titel", exact=True).fill("Kochkurs")
        page.get_by_role("button", name="Verbindlich buchen").click()
        expect(page.get_by_role("heading", name="Stattdessen frei")).to_be_visible()
        assert _sideways(page, "section.instead") == []
        assert_accessible(page)
        page.get_by_role("list").filter(has_text="16:00–18:00").get_by_role("link").filter(
            has_text="16:00–18:00"
        ).click()
        expect(page.get_by_label("Beginn", exact=True)).to_have_value("16:00")
        expect(page.get_by_label("Ende", exact=True)).to_have_value("18:00")
        page.close()
