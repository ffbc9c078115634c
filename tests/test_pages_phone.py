"""Every page of the room exchange and the calendar, plus login and a missing page, in Debian's
Chromium at a 390 px phone and a 1280 px laptop window: nothing scrolls sideways and axe-core
finds no violation. A failed booking form opens at its first error, with a summary at the top.

The pages are filled the way people meet them: an open room with a booking, a room that needs
approval with a waiting request, a closure; the booker (otto) and the owner (lena) each see
their own pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from shared.db import transaction

from services.calendar.store.sql import SqlStore
from services.rooms.booking.rooms import create_room
from services.rooms.booking.rules import add_closure

from tests.support.axe import assert_accessible, assert_no_sideways_scroll, collect_problems
from tests.support.calendar import room_message
from tests.support.live import LiveServer
from tests.support.login import log_in_browser
from tests.support.rooms import basic

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
DAY = date.today() + timedelta(days=10)


@pytest.fixture
def scene(rooms_app, calendar_app, people, lobeda_room):
    """Otto's booking in Lena's open Großer Saal, his request for her Küche (approval needed), a
    closure of the Küche. Returns the ids the pages need."""
    client = rooms_app.test_client()

    def api(method, who, path, body):
        auth = basic(who, people[who]["app_password"])
        response = client.open(f"/api/rooms{path}", method=method, headers=auth, json=body)
        assert response.status_code < 300, response.json
        return response.json

    with transaction(rooms_app.extensions["db"]) as session:
        kitchen = create_room(
            session,
            people["lena"]["partner_id"],
            name="Küche",
            district="Lobeda",
            address="Karl-Marx-Allee 28",
            capacity=12,
            equipment=["kueche"],
            step_free=False,
        ).id
    api("PUT", "lena", f"/rooms/{kitchen}/rules", {"approval_required": True})
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    # after the kitchen's two weekly dates (DAY and a week later), whatever today is
    holidays = DAY + timedelta(days=14)
    closure = {"first_day": holidays, "last_day": holidays + timedelta(days=9), "reason": "Weihnachtsferien"}
    with transaction(rooms_app.extensions["db"]) as session:
        add_closure(session, lena, kitchen, closure)

    def book(room_id, title, weeks):
        body = {
            "room_id": room_id,
            "starts_at": f"{DAY.isoformat()}T15:00:00+01:00",
            "ends_at": f"{DAY.isoformat()}T16:30:00+01:00",
            "title": title,
            "recurrence": {"freq": "weekly", "count": weeks},
        }
        return api("POST", "otto", "/bookings", body)

    booking = book(lobeda_room, "Seniorencafé der AWO Nord mit Kaffee, Kuchen und Gesprächen", 3)
    book(kitchen, "Kochkurs für Alleinstehende", 2)

    # the calendar page lists a partner's calendar and both rooms' calendars (as the workers would)
    with transaction(calendar_app.extensions["db"]) as session:
        SqlStore(session).ensure_partner_calendar(
            people["otto"]["partner_id"], "awo-nord", "Offene Angebote der AWO Begegnungsstätte Nord"
        )
    for room_id, name in ((lobeda_room, "Großer Saal"), (kitchen, "Küche")):
        message = room_message(room_id=room_id, partner_id=people["lena"]["partner_id"], name=name)
        calendar_app.extensions["celery"].tasks["calendar.room_changed"].apply(kwargs=message).get()
    return {
        "room": lobeda_room,
        "kitchen": kitchen,
        "booking": booking["id"],
        "occurrence": booking["occurrences"][0]["id"],
    }


def fill_booking(page: Page, start: str, end: str, title: str = "") -> None:
    page.locator("#date").fill(DAY.strftime("%d.%m.%Y"))
    page.locator("#start").fill(start)
    page.locator("#end").fill(end)
    page.locator("#title").fill(title)


@pytest.mark.parametrize(
    ("window", "language"), [(PHONE, "de"), (LAPTOP, "de"), (PHONE, "en")], ids=["phone", "laptop", "phone-en"]
)
def test_every_page_fits_and_passes_axe(browser, frontdoor, identity, people, scene, window, language):
    for username in ("otto", "lena"):
        identity.set_language(people[username]["id"], language)
    problems: list[str] = []
    with LiveServer(frontdoor) as live:
        base = live.url
        context = browser.new_context(viewport=window, locale={"de": "de-DE", "en": "en-GB"}[language])
        context.set_default_timeout(10_000)
        page = context.new_page()

        def visit(*paths: str) -> None:
            for path in paths:
                page.goto(base + path)
                collect_problems(page, problems)

        visit("/rooms/kein-solcher-raum", "/calendar/", "/rooms/login")
        page.locator("#username").fill("otto")
        page.locator("main form button[type=submit]").click()  # no password: the login form's errors
        collect_problems(page, problems)

        log_in_browser(page, base, "otto")
        visit(
            f"/rooms/?day={DAY.isoformat()}&start=18:00&end=19:00",
            f"/rooms/{scene['room']}",
            "/rooms/bookings",
            f"/rooms/bookings/{scene['booking']}",
            f"/rooms/bookings/{scene['booking']}/cancel/{scene['occurrence']}",
            f"/rooms/bookings/{scene['booking']}/change/{scene['occurrence']}",
            "/api/rooms/docs",
            "/calendar/",
            "/calendar/?district=Lobeda",
            "/calendar/month",
            "/calendar/subscribe",
            "/calendar/subscribe?district=Lobeda",
            "/calendar/app-passwords/",
            "/account/two-factor/",
            "/account/two-factor/setup",
            "/notify/",
            "/notify/preferences",
        )
        page.goto(f"{base}/calendar/app-passwords/")
        page.locator("main form button[type=submit]").first.click()  # an app password without a name
        expect(page.locator("#label")).to_be_focused()
        collect_problems(page, problems)
        page.locator("#label").fill("Handy")
        page.locator("main form button[type=submit]").first.click()  # the new secret, shown at once
        expect(page.locator("#antwort code.secret")).to_be_in_viewport()
        collect_problems(page, problems)

        page.goto(f"{base}/rooms/{scene['room']}")
        fill_booking(page, "18:00", "19:00")  # no title
        page.locator("#book-button").click()
        expect(page.locator("#title")).to_be_focused()
        collect_problems(page, problems)
        fill_booking(page, "15:30", "16:00", "Doppelt")  # taken by the Seniorencafé
        page.locator("input[name=freq][value=weekly]").check()
        page.locator("#count").fill("3")
        page.locator("#preview-button").click()  # the page opens at the preview
        expect(page.locator("#antwort tr.blocked")).to_have_count(3)  # the Seniorencafé each week
        expect(page.locator("#antwort h3")).to_be_in_viewport()
        collect_problems(page, problems)
        page.locator("#book-button").click()
        expect(page.locator(".errorbox[data-code=series_conflict]")).to_be_visible()
        collect_problems(page, problems)

        context.clear_cookies()
        log_in_browser(page, base, "lena")
        visit("/rooms/mine", f"/rooms/{scene['kitchen']}/rules", "/rooms/requests", f"/rooms/{scene['kitchen']}")
        page.goto(f"{base}/rooms/{scene['kitchen']}/rules")
        page.locator("#min_minutes").fill("")
        page.locator("form[aria-labelledby=regeln] button[type=submit]").click()
        expect(page.locator("#min_minutes")).to_be_focused()
        expect(page.locator("#min_minutes")).to_be_in_viewport()
        collect_problems(page, problems)
        context.close()
    assert not problems, "\n\n".join(problems)


def test_a_failed_booking_form_opens_at_its_first_error(browser, frontdoor, scene):
    with LiveServer(frontdoor) as live:
        context = browser.new_context(viewport=PHONE, locale="de-DE")
        page = context.new_page()
        log_in_browser(page, live.url, "otto")
        page.goto(f"{live.url}/rooms/{scene['room']}")
        page.get_by_label("Datum", exact=True).fill(DAY.strftime("%d.%m.%Y"))
        page.get_by_label("Beginn", exact=True).fill("18:00")
        page.get_by_label("Ende", exact=True).fill("19:00")
        page.get_by_role("button", name="Verbindlich buchen").click()

        title = page.get_by_label("Titel", exact=True)
        expect(title).to_be_focused()
        expect(title).to_be_in_viewport()
        expect(page.locator("#title-error")).to_be_in_viewport()
        box = page.get_by_role("alert").filter(has_text="Bitte korrigieren Sie")
        link = box.get_by_role("link", name="Titel: Bitte geben Sie einen Titel an.")
        expect(link).to_have_attribute("href", "#title")
        form_top = page.locator("form[aria-labelledby=buchen]").bounding_box()["y"]
        assert box.bounding_box()["y"] < form_top  # the summary stands at the top of the form
        assert page.url.endswith("#antwort")  # names nothing on an error page, so autofocus works
        assert_no_sideways_scroll(page)
        assert_accessible(page)

        link.click()  # the summary's link leads to the field
        expect(title).to_be_focused()
        context.close()


def test_a_refusal_without_field_errors_opens_at_the_summary(browser, frontdoor, people):
    """The wrong password: the box is focused (a screen reader starts there), the name kept."""
    with LiveServer(frontdoor) as live:
        page = browser.new_page(viewport=PHONE, locale="de-DE")
        page.goto(f"{live.url}/rooms/login")
        expect(page.get_by_label("Benutzername")).to_be_focused()
        page.get_by_label("Benutzername").fill("otto")
        page.get_by_label("Passwort").fill("falsch-falsch")
        page.get_by_role("button", name="Anmelden").click()
        box = page.get_by_role("alert")
        expect(box).to_have_text("Benutzername oder Passwort ist falsch.")
        expect(box).to_be_focused()
        expect(page.get_by_label("Benutzername")).to_have_value("otto")

        page.get_by_label("Benutzername").fill("")
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_label("Benutzername")).to_be_focused()
        expect(page.get_by_role("alert").get_by_role("link")).to_have_count(2)
        assert_accessible(page)
        page.close()


def test_the_header_is_two_short_rows_on_a_phone_and_marks_where_you_are(browser, frontdoor, people):
    with LiveServer(frontdoor) as live:
        context = browser.new_context(viewport=PHONE, locale="de-DE")
        page = context.new_page()
        log_in_browser(page, live.url, "otto")
        for path, current in (("/rooms/bookings", "Raumbörse"), ("/calendar/app-passwords/", "Kalender")):
            page.goto(live.url + path)
            nav = page.get_by_role("navigation", name="Hauptnavigation")
            expect(nav.locator("[aria-current=page]")).to_have_text(current)
            expect(nav.locator("[aria-current=page]")).to_have_count(1)
            assert page.locator("header.site").bounding_box()["height"] <= 110  # was 255 px
        # the account's menu opens without JavaScript and stays inside the window
        page.get_by_text("Otto", exact=True).click()
        expect(page.get_by_role("button", name="Abmelden", exact=True)).to_be_in_viewport()
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        # twice the text size: the header wraps, nothing runs off the side
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert_no_sideways_scroll(page)
        page.get_by_role("button", name="Abmelden", exact=True).click()
        expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
        context.close()


def test_all_rooms_are_cards_on_a_phone_and_still_a_table_to_screen_readers(browser, frontdoor, scene):
    with LiveServer(frontdoor) as live:
        context = browser.new_context(viewport=PHONE, locale="de-DE")
        page = context.new_page()
        log_in_browser(page, live.url, "otto")
        table = page.get_by_role("table", name="Alle Räume")
        saal = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Großer Saal"))
        assert table.locator("tbody tr").first.evaluate("tr => getComputedStyle(tr).display") == "block"
        expect(table.get_by_role("columnheader", name="Sitzplätze")).to_have_count(1)
        expect(saal.get_by_role("cell", name="60")).to_be_visible()
        label = saal.locator("td[data-label=Sitzplätze]").evaluate("td => getComputedStyle(td, '::before').content")
        assert "Sitzplätze" in label  # seen on the card; screen readers hear the column header instead
        context.close()


def test_the_checks_catch_a_wide_page_and_a_missing_label(browser):
    """The sweep's two checks can fail: a page wider than the phone, a field without a label."""
    page = browser.new_page(viewport=PHONE)
    page.set_content('<html lang="de"><title>t</title><main><div style="width:900px">breit</div><input></main></html>')
    with pytest.raises(AssertionError, match="908 px wide"):
        assert_no_sideways_scroll(page)
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
    page.close()
