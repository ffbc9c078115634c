"""The public calendar as a visitor meets it, in Chromium on a phone (390x844) and a laptop
(1280x800), without logging in: from the site's front door to "Seniorencafé in Lobeda,
step-free, this week", its page, and the date added to their own calendar. Every public page on
the way fits the window and has no axe-core violation; the same path works without JavaScript
(where axe, itself a script, cannot run)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from shared.timezones import berlin_vtimezone

from services.calendar.domain.calendar_data import LOCAL

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer


def event(uid: str, title: str, district_facts: str, audience: str = "Senioren") -> bytes:
    """A weekly offering from today on at 15:00 local time: always in "this week"."""
    start = datetime.combine(datetime.now(LOCAL).date(), time(15), LOCAL)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//DE",
        berlin_vtimezone().to_ical().decode().strip(),
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T000000Z",
        f"SUMMARY:{title}",
        f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Berlin:{start + timedelta(hours=2):%Y%m%dT%H%M%S}",
        "RRULE:FREQ=WEEKLY",
        "CATEGORIES:Begegnung",
        f"X-TREFFPUNKT-AUDIENCE:{audience}",
        "LOCATION:Mehrgenerationenhaus Lobeda\\, Karl-Marx-Allee 28\\, 07747 Jena",
        "DESCRIPTION:Kaffee\\, Kuchen und Gespräche.",
        "X-TREFFPUNKT-COST:kostenlos",
        "CLASS:PUBLIC",
    ]
    if district_facts:
        lines.append(f"X-TREFFPUNKT-ACCESSIBILITY:{district_facts}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def offerings(people, store):
    with store() as s:
        lobeda = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        nord = s.ensure_partner_calendar(people["otto"]["partner_id"], "nord", "Angebote AWO Nord")
        s.put(lobeda.id, "cafe.ics", event("cafe", "Seniorencafé", "stufenlos,hoerschleife"))
        s.put(lobeda.id, "skat.ics", event("skat", "Skatrunde", ""))  # in Lobeda, not step-free
        s.put(nord.id, "cafe-nord.ics", event("cafe-nord", "Seniorencafé Nord", "stufenlos"))


def checked(page: Page, javascript: bool) -> None:
    page.wait_for_load_state()
    if javascript:
        assert_fits_and_accessible(page)


@pytest.mark.parametrize(
    "window", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"]
)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_finds_a_step_free_senior_cafe_in_lobeda_this_week(browser, frontdoor, offerings, window, javascript):
    with LiveServer(frontdoor) as live:
        context = browser.new_context(
            locale="de-DE", viewport=window, java_script_enabled=javascript, accept_downloads=True
        )
        page = context.new_page()
        page.goto(live.url + "/")
        expect(page).to_have_url(live.url + "/calendar/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Was ist los in Jena?")
        checked(page, javascript)

        page.get_by_role("link", name="Diese Woche").click()
        page.locator("details.filters summary").click()
        page.get_by_role("link", name="Lobeda", exact=True).click()
        checked(page, javascript)
        page.get_by_role("link", name="stufenlos erreichbar").first.click()
        checked(page, javascript)
        found = page.locator("ol.dates h3")
        expect(found).to_have_text(["Seniorencafé"])  # not the Skatrunde, not the café in Nord
        assert "district=Lobeda" in page.url and "access=stufenlos" in page.url and "/calendar/week" in page.url

        page.get_by_role("link", name="Seniorencafé").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Seniorencafé")
        expect(page.locator("main")).to_contain_text("stufenlos erreichbar")
        expect(page.locator("main")).to_contain_text("Karl-Marx-Allee 28")
        checked(page, javascript)
        with page.expect_download() as download:
            page.get_by_role("link", name="In meinen Kalender").first.click()
        added = Calendar.from_ical(open(download.value.path(), "rb").read())
        (entry,) = added.walk("VEVENT")
        assert str(entry["SUMMARY"]) == "Seniorencafé"
        assert entry["DTSTART"].dt.astimezone(LOCAL).hour == 15

        for path in (
            "/calendar/month?district=Lobeda",
            "/calendar/today",
            "/calendar/?q=caf%C3%A9",
            "/calendar/subscribe",
        ):
            page.goto(live.url + path)
            checked(page, javascript)
        context.close()
