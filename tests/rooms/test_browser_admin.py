"""Room administration in a real browser (Debian's headless Chromium via Playwright): the
coordination office offers a room with a photo for a partner, takes it off the exchange and offers
it again; a staff member of another partner finds it by its accessibility and books it through
the web form. Every new or changed page passes axe-core and fits a 390 px phone and a 1280 px
laptop window without sideways scrolling."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from tests.support.axe import collect_problems
from tests.support.live import LiveServer
from tests.support.login import log_in_browser
from tests.support.pictures import camera_jpeg

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def _check(page, problems: list[str]) -> None:
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        collect_problems(page, problems)
    page.set_viewport_size(PHONE)


def test_the_office_offers_a_room_with_a_photo_and_another_partner_books_it(
    browser, frontdoor, rooms_app, people, tmp_path
):
    photo = tmp_path / "werkstatt.jpg"
    photo.write_bytes(camera_jpeg(800, 600))
    day = date.today() + timedelta(days=10)
    problems: list[str] = []
    with LiveServer(frontdoor) as live:
        office = browser.new_page(locale="de-DE", viewport=PHONE)
        log_in_browser(office, live.url, "kora")
        office.goto(f"{live.url}/rooms/mine")
        _check(office, problems)
        office.get_by_role("link", name="Neuen Raum anbieten").click()
        _check(office, problems)

        # a first try without a description of the photo opens at that field
        office.get_by_label("Partner, dem der Raum gehört").select_option(label="Mehrgenerationenhaus Lobeda")
        office.get_by_label("Name des Raums").fill("Werkstatt")
        office.get_by_label("Sitzplätze").fill("14")
        office.get_by_label("Stadtteil").select_option("Winzerla")
        office.get_by_label("Adresse").fill("Oßmaritzer Straße 12, 07745 Jena")
        office.get_by_label("Etage (freiwillig)").fill("1. Obergeschoss")
        office.get_by_label("Werkbank").check()
        office.get_by_label("Mit Aufzug erreichbar").check()
        office.get_by_label("Höranlage (Induktionsschleife) im Raum").check()
        office.get_by_label("Hausordnung (freiwillig)").fill("Schlüssel im Büro abholen.")
        office.get_by_label("Foto", exact=True).set_input_files(str(photo))
        office.get_by_role("button", name="Raum anbieten").click()
        expect(office.locator("#alt")).to_be_focused()
        _check(office, problems)
        office.get_by_label("Foto", exact=True).set_input_files(str(photo))  # a file input is never kept
        office.locator("#alt").fill("Werkbänke vor einer Fensterfront")
        office.get_by_role("button", name="Raum anbieten").click()
        expect(office.get_by_role("heading", name="Raum bearbeiten: Werkstatt")).to_be_visible()
        expect(office.get_by_role("img", name="Werkbänke vor einer Fensterfront")).to_be_visible()
        edit_page = office.url
        _check(office, problems)
        office.get_by_role("link", name="Werkstatt nicht mehr anbieten …").click()
        _check(office, problems)
        # taken off the exchange, then offered again from its page (Otto finds it below)
        office.get_by_role("button", name="Werkstatt nicht mehr anbieten").click()
        expect(office.get_by_text("Der Raum wird nicht mehr angeboten.", exact=False)).to_be_visible()
        office.goto(edit_page)
        expect(office.get_by_role("heading", name="Wieder anbieten")).to_be_visible()
        _check(office, problems)
        office.get_by_role("button", name="Werkstatt wieder anbieten").click()
        expect(office.get_by_text("Der Raum wird wieder angeboten und kann gebucht werden.")).to_be_visible()
        _check(office, problems)

        # Otto (AWO Nord) finds it by what he needs and books it through the form
        staff = browser.new_page(locale="de-DE", viewport=PHONE)
        log_in_browser(staff, live.url, "otto")
        staff.goto(f"{live.url}/rooms/")
        staff.get_by_label("Datum", exact=True).fill(day.isoformat())
        staff.get_by_label("Von", exact=True).fill("10:00")
        staff.get_by_label("Bis", exact=True).fill("12:00")
        staff.get_by_label("Nur mit Höranlage (Induktionsschleife)").check()
        staff.get_by_role("button", name="Freie Räume suchen").click()
        results = staff.locator("ol.results")
        expect(results).to_contain_text("Höranlage (Induktionsschleife)")
        _check(staff, problems)
        results.get_by_role("link", name="Werkstatt").click()
        picture = staff.get_by_role("img", name="Werkbänke vor einer Fensterfront")
        expect(picture).to_be_visible()
        assert staff.evaluate("(img) => img.naturalWidth > 0", picture.element_handle())
        expect(staff.locator("main")).to_contain_text("Schlüssel im Büro abholen.")
        _check(staff, problems)
        staff.get_by_label("Titel").fill("Reparaturcafé")
        staff.get_by_role("button", name="Verbindlich buchen").click()
        expect(staff.get_by_text("Ihre Buchung ist bestätigt.").first).to_be_visible()
        expect(staff.locator("main")).to_contain_text("Werkstatt")
    assert not problems, "\n".join(problems)
