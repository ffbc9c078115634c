"""The room exchange in a real browser (Debian's headless Chromium via Playwright): search, book a
weekly series with one conflicting date by keyboard alone, drop that date, confirm, find the
booking under "Meine Buchungen"; every form field has a label."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.support.live import LiveServer
from tests.support.login import PASSWORD

UNLABELLED = """() => [...document.querySelectorAll('main input, main select, main textarea')]
    .filter(el => el.type !== 'hidden' && el.labels.length === 0)
    .map(el => el.name || el.id)"""


def _tab_to(page, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element has the focus (fails if it never gets it)."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never got the keyboard focus")


def _blocker(rooms_app, people, room_id: int, day: date) -> None:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from tests.support.rooms import book_one

    berlin = ZoneInfo("Europe/Berlin")
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    book_one(
        rooms_app.extensions["db"],
        lena,
        room_id,
        datetime.combine(day, time(18, 30), tzinfo=berlin),
        datetime.combine(day, time(19, 30), tzinfo=berlin),
        "Chorprobe",
    )


def test_search_and_book_a_weekly_series_by_keyboard(browser, frontdoor, rooms_app, lobeda_room, people):
    first = date.today() + timedelta(days=9)
    third = first + timedelta(weeks=2)
    _blocker(rooms_app, people, lobeda_room, third)
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="de-DE")
        page.goto(f"{live.url}/rooms/")
        page.get_by_label("Benutzername").fill("otto")
        page.get_by_label("Passwort").fill(PASSWORD)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Freien Raum finden")).to_be_visible()
        assert page.evaluate(UNLABELLED) == []

        page.get_by_label("Datum", exact=True).fill(first.isoformat())
        page.get_by_label("Von", exact=True).fill("18:00")
        page.get_by_label("Bis", exact=True).fill("19:00")
        page.get_by_label("Mindestens so viele Personen").fill("20")
        page.get_by_label("Nur barrierefreie Räume (stufenlos)").check()
        page.get_by_role("button", name="Freie Räume suchen").click()
        results = page.locator("ol.results")
        results.get_by_text("Woche ansehen").click()  # the week is folded away
        expect(results.get_by_role("img", name="Belegung von Großer Saal")).to_be_visible()
        results.get_by_role("link", name="Großer Saal").click()
        assert page.evaluate(UNLABELLED) == []

        # the booking form by keyboard alone
        _tab_to(page, "date")
        page.keyboard.press("Control+A")  # replace what the search put there
        page.keyboard.type(first.strftime("%d.%m.%Y"))
        for field_id, value in (("start", "18:00"), ("end", "19:30")):  # past the "Kalender" button
            _tab_to(page, field_id)
            page.keyboard.press("Control+A")
            page.keyboard.type(value)
        _tab_to(page, "title")
        page.keyboard.type("Yoga am Abend")
        _tab_to(page, "freq-0")
        page.keyboard.press("ArrowDown")  # einmalig -> wöchentlich
        _tab_to(page, "count")
        page.keyboard.type("4")
        page.keyboard.press("Enter")  # the first button: the preview

        expect(page.get_by_role("heading", name="Vorschau: 4 Termine")).to_be_visible()
        blocked = page.locator("tr.blocked")
        expect(blocked).to_have_count(1)
        expect(blocked).to_contain_text("belegt (Mehrgenerationenhaus Lobeda)")
        expect(blocked).not_to_contain_text("Chorprobe")
        assert page.evaluate(UNLABELLED) == []
        _tab_to(page, f"skip-{third.isoformat()}")
        page.keyboard.press("Space")
        expect(page.locator(f"#skip-{third.isoformat()}")).to_be_checked()
        _tab_to(page, "book-button")
        assert page.evaluate("document.activeElement.textContent") == "Verbindlich buchen"
        page.keyboard.press("Enter")

        expect(page.get_by_text("Ihre Buchung ist bestätigt.").first).to_be_visible()
        expect(page.locator("table")).to_contain_text("ausgelassen")
        page.get_by_role("link", name="Meine Buchungen").click()
        row = page.get_by_role("row", name="Yoga am Abend")
        expect(row).to_contain_text("Großer Saal")
        expect(row).to_contain_text("ausgelassen")
        expect(row).to_contain_text("bestätigt")
        page.close()
    with rooms_app.extensions["db"]() as s:
        from services.rooms.db.models import Booking

        booking = s.query(Booking).filter_by(title="Yoga am Abend").one()
        assert [o.state for o in booking.occurrences] == ["valid", "valid", "skipped", "valid"]
