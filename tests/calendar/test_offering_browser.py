"""A staff member who never heard of CalDAV enters a weekly offering in the browser, on a phone
(390x844) and a laptop (1280x800): a form sent without a title opens at that field, the saved
offering is in the public calendar at once, and Thunderbird's library (caldav) finds the same
event in the partner's calendar. Every page on the way fits and has no axe-core violation."""

from __future__ import annotations

from datetime import date, timedelta

import caldav
import pytest
from playwright.sync_api import expect

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import log_in_browser


@pytest.mark.parametrize(
    "window", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"]
)
def test_staff_enter_a_weekly_offering_seen_publicly_and_over_caldav(browser, frontdoor, people, window):
    title = f"Sitztanz für Senior:innen {window['width']}"
    first = date.today() + timedelta(days=1)
    with LiveServer(frontdoor) as live:
        context = browser.new_context(locale="de-DE", viewport=window)
        page = context.new_page()
        log_in_browser(page, live.url, "lena")
        page.goto(live.url + "/calendar/offerings")
        assert_fits_and_accessible(page)
        page.get_by_role("link", name="Neues Angebot").click()
        assert_fits_and_accessible(page)

        page.locator("#day").fill(first.strftime("%d.%m.%Y"))
        page.locator("#starts").fill("10 Uhr")
        page.locator("#ends").fill("11:00")
        page.get_by_label("wöchentlich", exact=True).check()
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator("#title")).to_be_focused()  # the first error, without JavaScript help
        assert_fits_and_accessible(page)

        page.locator("#title").fill(title)
        page.locator("#location").fill("Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28, 07747 Jena")
        page.get_by_label("stufenlos erreichbar").check()
        page.get_by_label("Senior:innen").check()
        page.get_by_label("kostenlos", exact=True).check()
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator(".flash")).to_contain_text("Das Angebot ist gespeichert.")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        assert_fits_and_accessible(page)

        page.goto(live.url + "/calendar/?district=Lobeda&access=stufenlos&audience=Senioren")
        expect(page.locator("ol.dates h3").filter(has_text=title).first).to_be_visible()
        context.close()

        with caldav.DAVClient(
            url=live.url + "/dav/", username="lena", password=people["lena"]["app_password"]
        ) as client:
            calendar = next(c for c in client.principal().calendars() if c.get_display_name().startswith("Angebote –"))
            found = [e for e in calendar.events() if title in e.data]
        assert len(found) == 1
        assert "RRULE:FREQ=WEEKLY" in found[0].data and "X-TREFFPUNKT-ACCESSIBILITY:stufenlos" in found[0].data
