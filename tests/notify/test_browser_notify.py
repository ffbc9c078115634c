"""The message pages on a 390 px phone (Debian's headless Chromium via Playwright): the log, one
message whose text holds a very long link, and the notification settings never scroll sideways;
an entry of the log is one link to its message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.live import LiveServer
from tests.support.login import PASSWORD
from tests.support.notify import notice_payload, tune

PHONE = {"width": 390, "height": 844}
WIDTH = "document.documentElement.scrollWidth"
LONG_LINK = "http://127.0.0.1:8080/rooms/bookings/42?" + "&".join(f"parameter{i}=wert{i}" for i in range(40))


@pytest.fixture
def notified(run_task, notify_app, monkeypatch, people):
    """Lena got an email and an SMS about a booking whose link is very long (captured, as in make run)."""
    tune(monkeypatch, notify_app, mail_backend="capture", sms_backend="capture")
    run_task(
        "notify.booking_notice",
        **notice_payload(
            account_id=people["lena"]["id"],
            title="Seniorentanz mit Live-Musik und Kaffee im großen Saal",
            description="Bitte Stühle an den Rand stellen: " + LONG_LINK,
            link=LONG_LINK,
            weeks=3,
        ),
    )
    # and a text message to a number that cannot take one: given up at once, with the reason
    run_task(
        "notify.booking_notice",
        **notice_payload(account_id=people["lena"]["id"], email="", phone="12345", booking_id=43, uid="b-43"),
    )


def _log_in(page, url: str) -> None:
    page.goto(f"{url}/notify/")
    page.get_by_label("Benutzername").fill("lena")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Nachrichten", exact=True)).to_be_visible()


def test_log_message_and_settings_fit_a_phone(browser, frontdoor, notified):
    with LiveServer(frontdoor) as live:
        page = browser.new_page(locale="de-DE", viewport=PHONE)
        _log_in(page, live.url)
        assert page.evaluate(WIDTH) <= 390

        entry = page.locator("ol.log").get_by_role("link").filter(has_text="E-Mail an lena@example.org")
        expect(entry).to_contain_text("Buchung bestätigt: Seniorentanz")  # subject and recipient in one link
        entry.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Buchung bestätigt")
        expect(page.locator("pre.mail-text")).to_contain_text("parameter39=wert39")
        assert page.evaluate(WIDTH) <= 390

        page.goto(f"{live.url}/notify/")
        page.locator("ol.log").get_by_role("link").filter(has_text="SMS an +4915123456789").click()
        expect(page.locator("pre.sms-text")).to_be_visible()
        assert page.evaluate(WIDTH) <= 390

        page.goto(f"{live.url}/notify/preferences")
        expect(page.get_by_text("lena@example.org")).to_be_visible()
        expect(page.get_by_text("0151 23456789")).to_be_visible()
        assert page.evaluate(WIDTH) <= 390

        page.goto(f"{live.url}/notify/dead")
        expect(page.locator("ol.log")).to_contain_text("Telefonnummer")
        assert page.evaluate(WIDTH) <= 390
        page.close()
