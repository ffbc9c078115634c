"""The partners' and the office's pages in Debian's Chromium at a 390 px phone and a 1280 px
laptop window: nothing scrolls sideways and axe-core finds no violation, also with a failed
form open at its error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.engagement.partner_support import application, opportunity, shift
from tests.support.axe import collect_problems
from tests.support.live import LiveServer
from tests.support.login import log_in_browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("window", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_partner_pages_fit_and_pass_axe(browser, frontdoor, apps, people, window):
    engagement = apps["engagement"]
    partner = people["lena"]["partner_id"]
    regular = opportunity(engagement, partner, title="Besuchsdienst für ältere Menschen in Lobeda-Ost")
    application(engagement, regular, "Jonas Großmann-Überlänge")
    festival = opportunity(engagement, partner, kind="shift", title="Herbstfest", weekdays=[], times_of_day=[])
    shift_id = shift(engagement, festival, 2, ["Anna Beck", "Bernd Cox", "Clara Dietz"])
    opportunity(engagement, partner, title="Neu im Stadtteil", state="in_review", published_at=None)
    problems: list[str] = []
    with LiveServer(frontdoor) as live:
        base = live.url
        context = browser.new_context(viewport=window, locale="de-DE")
        context.set_default_timeout(10_000)
        page = context.new_page()

        def visit(*paths: str) -> None:
            for path in paths:
                page.goto(base + path)
                collect_problems(page, problems)

        log_in_browser(page, base, "lena")
        shifts = f"/engagement/partner/opportunities/{festival}/shifts"
        visit(
            "/engagement/partner/",
            "/engagement/partner/new",
            f"/engagement/partner/opportunities/{regular}/edit",
            f"/engagement/partner/opportunities/{regular}/inbox",
            shifts,
            f"{shifts}/{shift_id}/roster",
        )
        page.goto(base + "/engagement/partner/new")
        page.locator("#title").fill("")
        page.locator("main form button[type=submit]").click()  # a form with mistakes
        expect(page.locator(".errorbox")).to_be_visible()
        collect_problems(page, problems)

        page.goto(base + f"/engagement/partner/opportunities/{regular}/inbox")
        page.locator("main details summary").first.click()  # accept, with a meeting that has no times
        page.locator("input[id$='meeting_day']").first.fill("morgen")
        page.locator("main details[open] button[type=submit]").click()
        expect(page.locator("main details[open] .errorbox")).to_be_visible()
        collect_problems(page, problems)

        context.close()
        context = browser.new_context(viewport=window, locale="de-DE")
        page = context.new_page()
        log_in_browser(page, base, "kora")
        visit("/engagement/partner/", "/engagement/partner/review")
        context.close()
    assert not problems, "\n".join(problems)
