"""A staff member connects the house's Google calendar in the browser, on a phone (390x844)
and a laptop (1280x800): the link from the offerings page, a form sent without an address opens
at that field, the new source is listed, its first pull shows "in Ordnung" and the events, a
broken address shows its reason, "Jetzt abrufen" and deleting with confirmation work. Every page
on the way fits and has no axe-core violation. The feed comes from a local HTTP server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shared.clock import utcnow
from shared.db import transaction

from services.calendar.store.sql_sources import Sources
from services.calendar.subscriptions import pull
from services.calendar.subscriptions.remote import PullSettings
from services.calendar.subscriptions.sealing import sealer_of

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import log_in_browser

GOOGLE = (Path(__file__).parent / "feeds" / "google.ics").read_bytes()


def _pull_all(calendar_app, partner_id: int) -> None:
    factory = calendar_app.extensions["db"]
    settings = PullSettings(allow_private=True, sealer=sealer_of(calendar_app.config["SETTINGS"]), total_seconds=10)
    with transaction(factory) as session:
        ids = [s.id for s in Sources(session).of_partner(partner_id)]
    for source_id in ids:
        pull.pull_source(factory, source_id, settings, utcnow)


@pytest.mark.parametrize(
    "window", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"]
)
def test_staff_connect_a_google_calendar_and_see_its_state(
    browser, frontdoor, calendar_app, people, httpserver, window
):
    httpserver.expect_request("/google/basic.ics").respond_with_data(GOOGLE, content_type="text/calendar")
    # as long as Google's private addresses are (webcal:// would mean https: test_sources_fetch.py)
    feed_url = httpserver.url_for("/google/basic.ics") + "?private=" + "a1b2c3d4e5f6" * 12
    with LiveServer(frontdoor) as live:
        context = browser.new_context(locale="de-DE", viewport=window)
        page = context.new_page()
        log_in_browser(page, live.url, "lena")
        page.goto(live.url + "/calendar/offerings")
        page.get_by_role("link", name="Kalender von anderswo abrufen (Nextcloud, Google, Outlook)").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kalender von anderswo")
        assert_fits_and_accessible(page)

        page.get_by_role("link", name="Kalender hinzufügen").click()
        assert_fits_and_accessible(page)
        page.locator("#name").fill("Familienzentrum (Google)")
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator("#url")).to_be_focused()  # the first error, without JavaScript help
        assert_fits_and_accessible(page)

        page.locator("#url").fill(feed_url)
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator(".flash")).to_contain_text("Die Quelle ist gespeichert.")
        expect(page.locator(".source")).to_contain_text("noch nicht abgerufen")
        assert_fits_and_accessible(page)

        _pull_all(calendar_app, people["lena"]["partner_id"])
        page.reload()
        expect(page.locator(".source")).to_contain_text("in Ordnung")
        expect(page.locator(".source")).to_contain_text("3")  # three events; the old one is left out
        assert_fits_and_accessible(page)

        page.get_by_role("button", name=re.compile("^Jetzt abrufen")).click()
        expect(page.locator(".flash")).to_contain_text("in der nächsten Minute abgerufen")

        page.get_by_role("link", name=re.compile(r"^Ändern\s*: Familienzentrum")).click()
        page.locator("#url").fill(httpserver.url_for("/gibt-es-nicht.ics"))
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator(".flash")).to_contain_text("Die Änderungen sind gespeichert.")
        _pull_all(calendar_app, people["lena"]["partner_id"])
        page.reload()
        expect(page.locator(".source")).to_contain_text("Fehler")
        expect(page.locator(".source .reason")).to_contain_text("Fehler (HTTP 500)")  # pytest-httpserver: no such path
        assert_fits_and_accessible(page)

        page.get_by_role("link", name=re.compile(r"^Löschen\s*: Familienzentrum")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Quelle löschen?")
        assert_fits_and_accessible(page)
        page.get_by_role("button", name="Ja, löschen").click()
        expect(page.locator(".flash")).to_contain_text("gelöscht")
        expect(page.locator(".source")).to_have_count(0)
        context.close()
