"""The coordination office gets its figures in Chromium, on a phone (390x844) and a laptop
(1280x800): from "Zahlen" in the navigation to the room use and the offerings, a period that
cannot be read (the page opens at the field), a good one, the CSV download. Each page fits the
window without sideways scrolling and has no axe-core violation."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from playwright.sync_api import expect

from shared.db import transaction

from services.calendar.store.sql import SqlStore

from tests.calendar.test_figures import _event
from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import log_in_browser
from tests.support.rooms import at, next_week

YEAR = date.today().year


@pytest.fixture
def used(rooms_app, calendar_app, rooms, api_auth, people):
    day = next_week()
    response = rooms_app.test_client().post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json={
            "room_id": rooms["saal"],
            "starts_at": at(day, 14).isoformat(),
            "ends_at": at(day, 17).isoformat(),
            "title": "Tanz",
        },
    )
    assert response.status_code == 201
    with transaction(calendar_app.extensions["db"]) as session:
        store = SqlStore(session)
        lobeda = store.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        cafe = _event("cafe", "Seniorencafé", day, "CATEGORIES:Begegnung", "X-TREFFPUNKT-AUDIENCE:Senioren")
        store.put(lobeda.id, "cafe.ics", cafe)
    return day


@pytest.mark.parametrize(
    "window", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"]
)
def test_the_office_reads_and_downloads_the_figures(browser, frontdoor, used, window):
    with LiveServer(frontdoor) as live:
        context = browser.new_context(locale="de-DE", viewport=window, accept_downloads=True)
        page = context.new_page()
        log_in_browser(page, live.url, "kora")
        page.goto(live.url + "/rooms/")
        if window["width"] < 500:
            expect(page.get_by_role("link", name="Zahlen")).to_be_visible()
        page.get_by_role("link", name="Zahlen").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Raumbelegung in Zahlen")
        expect(page.get_by_role("img", name="Gebuchte Stunden je Monat")).to_be_visible()
        expect(page.locator("#je-raum table")).to_contain_text("Großer Saal")
        assert_fits_and_accessible(page)

        page.locator("#von").fill("13.2025")
        page.get_by_role("button", name="Anzeigen").click()
        expect(page.locator(".errorbox")).to_contain_text("Bitte einen Monat mit Jahr angeben")
        expect(page.locator("#von")).to_be_focused()
        assert_fits_and_accessible(page)

        month = f"{used.month:02d}.{used.year}"
        page.locator("#von").fill(month)
        page.locator("#bis").fill(month)
        page.get_by_role("button", name="Anzeigen").click()
        expect(page.locator("#je-monat table tbody tr")).to_have_count(1)
        expect(page.locator("#je-monat table tbody")).to_contain_text("3")  # three hours of the Tanz
        with page.expect_download() as download:
            page.get_by_role("link", name="Als Tabelle herunterladen (CSV)").click()
        rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read()), delimiter=";"))
        saal = next(r for r in rows[1:] if r[2] == "Großer Saal")
        assert saal[4:6] == ["180", "180"]  # three hours, by another partner than the Saal's house

        page.get_by_role("link", name="Angebote und Termine").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Angebote und Termine in Zahlen")
        expect(page.get_by_role("img", name="Termine je Kategorie")).to_be_visible()
        expect(page.locator("#je-stadtteil table")).to_contain_text("Lobeda")
        assert_fits_and_accessible(page)
        context.close()
