"""The skeleton's user path in a real browser: Debian's headless Chromium driven by Playwright.

Log in, pick another partner's room, book a free hour, then try an overlapping one."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.support.live import LiveServer
from tests.support.login import PASSWORD


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
