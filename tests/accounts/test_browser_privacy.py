"""The data protection pages in Chromium at 390 px, with real workers: Lena asks for her data
on "Mein Konto", downloads the readable page; the office opens her account, confirms (first
without the tick: the form opens at its error) and erases it, and sees every service confirm.
Every page passes axe-core and fits without sideways scrolling; the readable export in English
too."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import PASSWORD

PHONE = {"width": 390, "height": 844}


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/account/login")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("header.site summary")).to_be_visible()


def test_export_and_erasure_in_the_browser(browser, frontdoor, people, identity, workers):
    with LiveServer(frontdoor) as live:
        base = live.url
        lena = browser.new_page(locale="de-DE", viewport=PHONE)
        _log_in(lena, base, "lena")
        lena.goto(f"{base}/account/")
        assert_fits_and_accessible(lena)
        lena.get_by_role("button", name="Meine Daten herunterladen").click()
        expect(lena.get_by_role("heading", name="Ihre Daten")).to_be_visible()
        assert_fits_and_accessible(lena)
        for _ in range(150):  # the parts come in through the workers; the page says how far
            if lena.get_by_role("link", name="Als lesbare Seite ansehen").count():
                break
            lena.wait_for_timeout(200)
            lena.reload()
        assert_fits_and_accessible(lena)
        lena.get_by_role("link", name="Als lesbare Seite ansehen").click()
        expect(lena.get_by_role("heading", name="Ihr Konto")).to_be_visible()
        expect(lena.get_by_text("lena@example.org")).to_be_visible()
        assert_fits_and_accessible(lena)
        identity.set_language(people["lena"]["id"], "en")  # the account's language wins
        lena.reload()
        expect(lena.get_by_role("heading", name="Your account")).to_be_visible()
        assert_fits_and_accessible(lena)

        office = browser.new_page(locale="de-DE", viewport=PHONE)
        _log_in(office, base, "kora")
        office.goto(f"{base}/account/")
        office.get_by_role("link", name="Datenschutz: Daten eines Kontos herunterladen oder ein Konto löschen").click()
        assert_fits_and_accessible(office)
        office.get_by_role("link", name="Lena").click()
        expect(office.get_by_role("heading", name="Datenschutz: Lena")).to_be_visible()
        assert_fits_and_accessible(office)
        office.get_by_role("link", name="Dieses Konto löschen …").click()
        expect(office.get_by_role("heading", name="Konto von Lena löschen")).to_be_visible()
        assert_fits_and_accessible(office)
        office.get_by_role("button", name="Konto endgültig löschen").click()
        expect(office.locator("#understood-error")).to_contain_text("wirklich löschen")
        expect(office.locator("#understood")).to_be_focused()  # the form opens at its error
        assert_fits_and_accessible(office)
        office.locator("#understood").check()
        office.get_by_role("button", name="Konto endgültig löschen").click()
        expect(office.get_by_role("heading", name="Datenschutz: Ehemaliges Konto")).to_be_visible()
        for _ in range(150):
            if office.get_by_text("Die Löschung ist vollständig").count():
                break
            office.wait_for_timeout(200)
            office.reload()
        expect(office.get_by_text("Die Löschung ist vollständig")).to_be_visible()
        assert_fits_and_accessible(office)
