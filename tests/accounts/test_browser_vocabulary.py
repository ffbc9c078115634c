"""The vocabulary page in Chromium, on a phone (390 px) and a desktop (1280 px): the office adds
a category (first a clash, shown at its field and focused), renames it, moves and retires it
with plain buttons; every state of the page passes axe-core and fits without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.accounts.test_browser_accounts import _check, _log_in
from tests.support.live import LiveServer
from tests.support.login import PASSWORD


@pytest.mark.parametrize("width", [390, 1280])
def test_the_office_keeps_the_vocabulary_in_the_browser(browser, frontdoor, people, width):
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="de-DE", viewport={"width": width, "height": 900})
        _log_in(page, live.url, "kora", PASSWORD)
        page.goto(f"{live.url}/account/admin/")
        page.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Begriffe").click()
        expect(page.get_by_role("heading", name="Begriffe", exact=True)).to_be_visible()
        _check(page)

        page.get_by_label("Liste").select_option("category")
        page.get_by_label("Deutsch", exact=True).fill("Lernen")  # Bildung's label
        page.get_by_label("Englisch", exact=True).fill("Studying")
        page.get_by_role("button", name="Begriff hinzufügen").click()
        expect(page.locator("#new-label_de-error")).to_contain_text("gibt es in dieser Liste schon")
        expect(page.get_by_label("Deutsch", exact=True)).to_be_focused()
        _check(page)

        page.get_by_label("Deutsch", exact=True).fill("Musik")
        page.get_by_label("Englisch", exact=True).fill("Music")
        page.get_by_role("button", name="Begriff hinzufügen").click()
        expect(page.get_by_role("status")).to_contain_text("„Musik“ ist hinzugefügt")
        categories = page.get_by_role("table", name="Kategorien von Angeboten (Was)")
        expect(categories.get_by_role("row").last).to_contain_text("Musik")
        _check(page)

        categories.get_by_role("button", name="nach oben – Musik").click()
        expect(categories.get_by_role("row").last).to_contain_text("Begegnung")  # Musik is above it now
        categories.get_by_role("link", name="Bezeichnungen – Musik").click()
        expect(page.get_by_role("heading", name="Musik")).to_be_visible()
        _check(page)
        page.get_by_label("Deutsch", exact=True).fill("Musik und Gesang")
        page.get_by_label("Englisch", exact=True).fill("Music and singing")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_role("status")).to_contain_text("gespeichert")

        categories = page.get_by_role("table", name="Kategorien von Angeboten (Was)")
        categories.get_by_role("button", name="ausblenden – Musik und Gesang").click()
        expect(page.get_by_role("status")).to_contain_text("ausgeblendet")
        row = categories.get_by_role("row").filter(has_text="Musik und Gesang")
        expect(row).to_contain_text("ausgeblendet")
        expect(row.get_by_role("button", name="wieder anbieten – Musik und Gesang")).to_be_visible()
        audiences = page.get_by_role("table", name="Zielgruppen von Angeboten (Für wen)")
        expect(audiences.get_by_role("row").filter(has_text="Regel")).to_have_count(1)  # "alle" stays
        _check(page)

        page.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Protokoll").click()
        expect(page.get_by_role("table")).to_contain_text("Begriff ausgeblendet")
        _check(page)
        page.close()
