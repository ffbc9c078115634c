"""The skeleton's user path in a real browser: Debian's headless Chromium driven by Playwright.

Log in, pick another partner's room, book a free hour, then try an overlapping one."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.live import LiveServer
from tests.support.login import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def test_book_a_room_in_the_browser(browser, frontdoor, lobeda_room, people):
    day = date.today() + timedelta(days=12)
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="de-DE")
        page.goto(f"{live.url}/rooms/")
        expect(page).to_have_url(f"{live.url}/rooms/login?next=/rooms/")
        page.get_by_label("Benutzername").fill("otto")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Großer Saal").click()

        def book(start: str, end: str, title: str):
            page.get_by_label("Datum", exact=True).fill(day.isoformat())
            page.get_by_label("Beginn", exact=True).fill(start)
            page.get_by_label("Ende", exact=True).fill(end)
            page.get_by_label("Titel", exact=True).fill(title)
            page.get_by_role("button", name="Verbindlich buchen").click()

        book("15:00", "16:00", "Seniorencafé")
        expect(page.get_by_text("bestätigt").first).to_be_visible()

        page.go_back()
        page.reload()
        book("15:30", "16:30", "Doppelt")
        expect(page.get_by_role("alert")).to_contain_text("schon belegt")
        page.close()
