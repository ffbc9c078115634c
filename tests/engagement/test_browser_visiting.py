"""The issue's first walk in Chromium, at 390 and 1280 px, axe-core clean on every page: a
visitor finds "Besuchsdienst in Lobeda, weekday afternoons", offers help, confirms by email,
the partner accepts with a first meeting, the volunteer gets the date and a reminder, and
withdraws through the link. Mails go the real way (outbox, notify worker, SMTP sink); the
reminder comes from the beat's task, run at a moment two hours before the meeting."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from shared.clock import utcnow

from services.engagement.domain import links
from services.engagement.domain.vocabulary import LOCAL_TZ
from services.engagement.exchange import tending
from services.engagement.web.context import ctx_of

from tests.support import engagement as support
from tests.support.axe import page_ok
from tests.support.live import LiveServer
from tests.support.login import log_in_browser
from tests.support.workers import wait_until

TITLE = "Besuchsdienst für ältere Menschen in Lobeda"


def _calendar_part(smtp_sink, address: str, subject_part: str) -> str | None:
    for message in reversed(smtp_sink.messages):
        if address in (message["To"] or "") and subject_part in str(message["Subject"]):
            for part in message.walk():
                if part.get_content_type() == "text/calendar":
                    return part.get_content()
    return None


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_visiting_service_from_search_to_withdrawal(
    browser, frontdoor, engagement_app, people, smtp_sink, notify_worker, width, height
):
    lena = people["lena"]["partner_id"]
    support.opportunity(engagement_app, lena, title=TITLE, weekdays=[0, 1, 2, 3, 4], times_of_day=["afternoon"])
    support.opportunity(
        engagement_app, lena, title="Gartengruppe", topics=["garden"], weekdays=[5], times_of_day=["morning"]
    )
    support.opportunity(engagement_app, people["otto"]["partner_id"], title="Besuchsdienst Nord", district="Nord")
    with LiveServer(frontdoor) as live:
        visitor = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        visitor.goto(f"{live.url}/engagement/")
        page_ok(visitor)
        visitor.get_by_text("Suche eingrenzen").click()
        for label in (
            "Lobeda",
            "Besuchsdienst",
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "nachmittags",
        ):
            visitor.get_by_label(label, exact=True).check()
        visitor.get_by_role("button", name="Angebote zeigen").click()
        expect(visitor.get_by_role("heading", name="1 Angebot", exact=True)).to_be_visible()
        page_ok(visitor)
        visitor.get_by_role("link", name=TITLE).click()
        expect(visitor.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
        page_ok(visitor)

        # a slip first: the page opens at the first error
        visitor.get_by_label("Ihr Name").fill("Erika Muster")
        visitor.get_by_label("E-Mail-Adresse").fill("erika@example.org")
        visitor.get_by_role("button", name="Hilfe anbieten").click()
        expect(visitor.locator("#consent")).to_be_focused()
        page_ok(visitor)
        visitor.get_by_label("Wann können Sie?", exact=False).fill("dienstags und donnerstags ab 14 Uhr")
        visitor.get_by_label("Ich bin einverstanden", exact=False).check()
        visitor.get_by_role("button", name="Hilfe anbieten").click()
        expect(visitor.get_by_role("heading", name="Postfach", exact=False)).to_be_visible()
        page_ok(visitor)

        text = wait_until(
            lambda: support.mail_to(smtp_sink, "erika@example.org", "Bitte bestätigen"), what="the confirmation mail"
        )
        visitor.goto(live.url + support.link(text, links.CONFIRM_PREFIX))
        page_ok(visitor)
        visitor.get_by_role("button", name="Ja, ich bestätige").click()
        expect(visitor.get_by_role("heading", name="Ihr Angebot ist bestätigt", exact=False)).to_be_visible()
        page_ok(visitor)

        # the partner accepts, with a first meeting the day after tomorrow
        partner = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        log_in_browser(partner, live.url, "lena")
        partner.goto(f"{live.url}/engagement/partner/")
        expect(partner.get_by_role("heading", name="Meine Angebote")).to_be_visible()
        page_ok(partner)
        partner.locator("li", has=partner.get_by_role("heading", name=TITLE)).get_by_role(
            "link", name="Hilfsangebote"
        ).click()
        expect(partner.get_by_role("heading", name="Erika Muster")).to_be_visible()
        page_ok(partner)
        meeting_day = (utcnow().astimezone(LOCAL_TZ) + timedelta(days=2)).date()
        accept = partner.locator("details", has=partner.locator("summary", has_text="Annehmen"))
        accept.locator("summary").click()
        accept.get_by_label("Ihre Nachricht", exact=False).fill("Wir freuen uns! Kommen Sie zum Kennenlernen vorbei.")
        accept.get_by_label("Erstes Treffen: Tag", exact=False).fill(meeting_day.strftime("%d.%m.%Y"))
        accept.get_by_label("von", exact=True).fill("15:00")
        accept.get_by_label("bis", exact=True).fill("16:00")
        accept.get_by_role("button", name="Annehmen").click()
        expect(partner.get_by_text("angenommen").first).to_be_visible()
        page_ok(partner)

        invitation = wait_until(lambda: _calendar_part(smtp_sink, "erika@example.org", TITLE), what="the invitation")
        assert "METHOD:REQUEST" in invitation and "DTSTART" in invitation

        # the reminder, from the beat's task at a moment two hours before the meeting
        starts = datetime.combine(meeting_day, time(15), LOCAL_TZ)
        with engagement_app.app_context():
            context = dataclasses.replace(ctx_of(engagement_app), now=starts - timedelta(hours=2))
            assert tending.tend(engagement_app.extensions["db"], context)["reminded"] == 1
        reminder = wait_until(
            lambda: support.mail_to(smtp_sink, "erika@example.org", "Erinnerung"), what="the reminder"
        )
        assert "15:00" in reminder

        # she withdraws through the link in the reminder
        visitor.goto(live.url + support.link(reminder, links.COMMITMENTS_PREFIX))
        expect(visitor.get_by_role("heading", name="Meine Zusagen")).to_be_visible()
        expect(visitor.get_by_text("Erstes Treffen:", exact=False)).to_be_visible()
        page_ok(visitor)
        visitor.get_by_role("button", name="Zurückziehen").click()
        expect(visitor.get_by_text("Sie haben Ihre Zusage zurückgezogen")).to_be_visible()
        expect(visitor.get_by_text("von Ihnen zurückgezogen")).to_be_visible()
        page_ok(visitor)
        assert wait_until(
            lambda: support.mail_to(smtp_sink, "petra@example.org", "Zusage zurückgezogen"), what="the partner told"
        )
