"""The issue's second walk in Chromium, at 390 and 1280 px, axe-core clean on every page: a
shift fills up, the next person lands on the waiting list, and moves up when the first one
withdraws through the link in her mail. The mails go the real way: the engagement outbox, the
notify worker, the suite's SMTP sink."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shared.clock import utcnow

from services.engagement.domain import links

from tests.support import engagement as support
from tests.support.axe import page_ok
from tests.support.live import LiveServer
from tests.support.workers import wait_until


def _offer(page, base: str, opportunity_id: int, name: str, email: str) -> None:
    page.goto(f"{base}/engagement/{opportunity_id}")
    expect(page.get_by_role("heading", name="Helfen beim Stadtteilfest")).to_be_visible()
    page_ok(page)
    page.get_by_role("radio").first.check()
    page.get_by_label("Ihr Name").fill(name)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Ich bin einverstanden", exact=False).check()
    page.get_by_role("button", name="Hilfe anbieten").click()
    expect(page.get_by_role("heading", name="Bitte schauen Sie in Ihr Postfach", exact=False)).to_be_visible()
    page_ok(page)


def _confirm(page, base: str, smtp_sink, email: str) -> None:
    text = wait_until(lambda: support.mail_to(smtp_sink, email, "Bitte bestätigen"), what=f"the mail to {email}")
    page.goto(base + support.link(text, links.CONFIRM_PREFIX))
    page_ok(page)
    page.get_by_role("button", name="Ja, ich bestätige").click()


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_a_full_shift_has_a_waiting_list_that_moves_up(
    browser, frontdoor, engagement_app, people, smtp_sink, notify_worker, width, height
):
    opportunity_id = support.opportunity(
        engagement_app,
        people["lena"]["partner_id"],
        kind="shift",
        title="Helfen beim Stadtteilfest",
        weekdays=[],
        times_of_day=[],
    )
    support.shift(engagement_app, opportunity_id, utcnow().replace(microsecond=0) + timedelta(days=5), capacity=1)
    with LiveServer(frontdoor) as live:
        anna = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        _offer(anna, live.url, opportunity_id, "Anna Berg", "anna@example.org")
        _confirm(anna, live.url, smtp_sink, "anna@example.org")
        expect(anna.get_by_role("heading", name="Danke! Sie sind dabei")).to_be_visible()
        page_ok(anna)

        ben = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        _offer(ben, live.url, opportunity_id, "Ben Kraus", "ben@example.org")
        _confirm(ben, live.url, smtp_sink, "ben@example.org")
        expect(ben.get_by_role("heading", name="Sie stehen auf der Warteliste")).to_be_visible()
        expect(ben.get_by_text("Nummer 1 auf der Warteliste")).to_be_visible()
        page_ok(ben)

        # Anna withdraws through the link in her mail; Ben moves up and is told
        text = wait_until(lambda: support.mail_to(smtp_sink, "anna@example.org", "Sie sind dabei"), what="Anna's place")
        anna.goto(live.url + support.link(text, links.COMMITMENTS_PREFIX))
        expect(anna.get_by_role("heading", name="Meine Zusagen")).to_be_visible()
        page_ok(anna)
        anna.get_by_role("button", name="Abmelden").click()
        expect(anna.get_by_text("Sie haben Ihre Zusage zurückgezogen")).to_be_visible()
        expect(anna.get_by_text("abgemeldet", exact=True)).to_be_visible()
        page_ok(anna)

        moved = wait_until(
            lambda: support.mail_to(smtp_sink, "ben@example.org", "Ein Platz ist frei geworden"), what="Ben moving up"
        )
        ben.goto(live.url + support.link(moved, links.COMMITMENTS_PREFIX))
        expect(ben.get_by_text("Sie sind dabei", exact=True)).to_be_visible()
        page_ok(ben)
        assert wait_until(
            lambda: support.mail_to(smtp_sink, "anna@example.org", "Abgemeldet"), what="Anna's cancellation"
        )


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_the_other_public_pages_fit_and_pass_axe(browser, frontdoor, engagement_app, people, width, height):
    support.opportunity(engagement_app, people["lena"]["partner_id"])
    with LiveServer(frontdoor) as live:
        page = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        for path in ("/engagement/interesse?stadtteil=Lobeda", "/engagement/embed/hilfe", "/engagement/embed"):
            page.goto(live.url + path)
            page_ok(page)
        page.goto(live.url + "/engagement/interesse")
        page.get_by_role("button", name="Bescheid geben lassen").click()  # nothing chosen, no name
        expect(page.locator("#stadtteil-Lobeda")).to_be_focused()
        page_ok(page)
