"""The partner's pages about its helpers and the shift message, in Chromium at 390 and 1280 px:
no sideways scrolling, nothing axe-core finds, a failed form opens at its first error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shared.clock import utcnow

from tests.support import engagement as support
from tests.support.axe import page_ok
from tests.support.live import LiveServer
from tests.support.login import log_in_browser


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_helpers_hours_and_shift_message_pages(browser, frontdoor, engagement_app, people, width, height):
    lena = people["lena"]["partner_id"]
    regular = support.opportunity(engagement_app, lena, certificate_needed=True)
    support.applicant(engagement_app, regular)
    festival = support.opportunity(
        engagement_app, lena, kind="shift", title="Stadtteilfest", weekdays=[], times_of_day=[]
    )
    shift_id = support.shift(engagement_app, festival, utcnow() + timedelta(days=3))
    support.signup(engagement_app, shift_id, "anna@example.org")
    with LiveServer(frontdoor) as live:
        page = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        log_in_browser(page, live.url, "lena")
        page.goto(f"{live.url}/engagement/partner/opportunities/{regular}/helpers")
        page_ok(page)
        page.get_by_role("link", name="Erika Muster").click()
        expect(page.get_by_role("heading", name="Erika Muster")).to_be_visible()
        page_ok(page)
        page.get_by_label("Tag", exact=True).fill("01.01.2099")
        page.get_by_label("Stunden", exact=True).fill("2")
        page.get_by_role("button", name="Stunden eintragen").click()
        expect(page.get_by_label("Tag", exact=True)).to_be_focused()
        page_ok(page)
        page.goto(f"{live.url}/engagement/partner/opportunities/{festival}/shifts/{shift_id}/message")
        page_ok(page)
        page.get_by_role("button", name="Nachricht senden").click()
        expect(page.get_by_label("Betreff")).to_be_focused()
        page_ok(page)
