"""The Patenschaften pages and the office's figures in Chromium at 390 and 1280 px: nothing
scrolls sideways, axe-core finds no violation, and a failed form (an end without a reason) opens
at its first error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models

from tests.support import engagement as support
from tests.support.axe import page_ok
from tests.support.live import LiveServer
from tests.support.login import log_in_browser


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_a_partner_walks_a_patenschaft_and_the_office_reads_the_figures(
    browser, frontdoor, engagement_app, people, width, height
):
    opportunity = support.opportunity(
        engagement_app, people["lena"]["partner_id"], title="Oma/Opa-Projekt: Zeit für Kinder in Lobeda"
    )
    with transaction(engagement_app.extensions["db"]) as session:
        volunteer = models.Volunteer(
            email="erika@example.org", name="Erika Mustermann-Langenbach", confirmed_at=utcnow()
        )
        session.add(volunteer)
        session.flush()
        session.add(
            models.Application(
                opportunity_id=opportunity,
                volunteer_id=volunteer.id,
                state="accepted",
                name="Erika",
                confirmed_at=utcnow(),
            )
        )
    with LiveServer(frontdoor) as live:
        page = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        log_in_browser(page, live.url, "lena")
        page.goto(f"{live.url}/engagement/partner/familien/")
        page_ok(page)
        page.get_by_label("Name der Familie").fill("Familie Okafor-Schneidewind")
        page.get_by_label("Kontakt (freiwillig)").fill("0176 5550101, abends")
        page.get_by_role("button", name="Familie speichern").click()
        expect(page.get_by_text("Die Familie ist gespeichert.")).to_be_visible()
        page_ok(page)

        page.goto(f"{live.url}/engagement/partner/patenschaften/new")
        page_ok(page)
        page.get_by_label("Familie", exact=True).select_option(label="Familie Okafor-Schneidewind")
        page.get_by_label("Patin oder Pate").select_option(index=1)
        page.get_by_role("button", name="Patenschaft anlegen").click()
        expect(page.get_by_text("Die Patenschaft ist angelegt.")).to_be_visible()
        page_ok(page)

        page.get_by_role("radio", name="beendet").check()
        page.get_by_role("button", name="Stufe speichern").click()
        expect(page.locator("#reason")).to_be_focused()
        page_ok(page)
        page.get_by_role("radio", name="Kennenlernen").check()
        page.get_by_role("button", name="Stufe speichern").click()
        expect(page.get_by_text("Gespeichert: Kennenlernen seit")).to_be_visible()
        page.get_by_role("textbox", name="Notizen").fill("Erstes Treffen im Familienzentrum, beide waren sehr offen.")
        page.get_by_role("button", name="Notizen speichern").click()
        expect(page.get_by_text("Die Notizen sind gespeichert.")).to_be_visible()
        page_ok(page)
        page.goto(f"{live.url}/engagement/partner/patenschaften/")
        expect(page.get_by_role("heading", name="Kennenlernen")).to_be_visible()
        page_ok(page)

        office = browser.new_context(locale="de-DE", viewport={"width": width, "height": height}).new_page()
        log_in_browser(office, live.url, "kora")
        office.goto(f"{live.url}/engagement/figures")
        expect(office.get_by_role("heading", name="Je Stadtteil")).to_be_visible()
        page_ok(office)
