"""The whole path in Chromium, with real workers and the SMTP sink: the office invites a
colleague, the mail arrives, she chooses a password from its link and is logged in; later she
has forgotten it, asks for a link, sets a new one: the old password fails, her other login has
ended. Every new page passes axe-core and fits 390 px without sideways scrolling."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import PASSWORD

FIRST, SECOND = "erstes-passwort-mia", "zweites-passwort-mia"
PHONE = {"width": 390, "height": 844}


def _link_in_mail(smtp_sink, count: int, live_url: str) -> str:
    """The link in the `count`-th mail, on the live server (PUBLIC_URL names another port)."""
    deadline = time.monotonic() + 60
    while len(smtp_sink.messages) < count:
        assert time.monotonic() < deadline, "no mail arrived"
        time.sleep(0.2)
    text = smtp_sink.messages[count - 1].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/account/(?:welcome|reset)/\S+", text).group(0)
    return live_url + "/" + link.split("/", 3)[3]


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/account/login")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()


def _check(page) -> None:
    assert_fits_and_accessible(page)


def test_invitation_and_forgotten_password_in_the_browser(browser, frontdoor, people, workers, smtp_sink):
    with LiveServer(frontdoor) as live:
        base = live.url
        office = browser.new_page(locale="de-DE", viewport=PHONE)
        _log_in(office, base, "kora", PASSWORD)
        office.locator("header.site summary").click()  # the account menu
        office.get_by_role("link", name="Mein Konto").click()
        expect(office.get_by_role("heading", name="Mein Konto", exact=True)).to_be_visible()
        _check(office)
        office.get_by_role("link", name="Kollegin oder Kollegen einladen").click()
        _check(office)
        office.get_by_label("Name", exact=True).fill("Mia Neu")
        office.get_by_label("E-Mail-Adresse", exact=True).fill("lena@example.org")  # taken
        office.get_by_role("button", name="Einladung senden").click()
        expect(office.locator("#email-error")).to_contain_text("schon ein Konto")
        expect(office.get_by_label("E-Mail-Adresse", exact=True)).to_be_focused()  # the form opens at its error
        _check(office)
        office.get_by_label("E-Mail-Adresse", exact=True).fill("mia@example.org")
        office.get_by_role("button", name="Einladung senden").click()
        expect(office.get_by_role("status")).to_contain_text("Benutzername: mia")

        # the colleague's own browser: the link from the mail
        mia = browser.new_page(locale="de-DE", viewport=PHONE)
        welcome = _link_in_mail(smtp_sink, 1, base)
        mia.goto(welcome)
        expect(mia.get_by_role("heading", name="Willkommen bei Treffpunkt")).to_be_visible()
        _check(mia)
        mia.get_by_label("Neues Passwort", exact=True).fill("kurz")
        mia.get_by_label("Neues Passwort noch einmal").fill("kurz")
        mia.get_by_role("button", name="Passwort speichern und anmelden").click()
        expect(mia.locator("#password-error")).to_contain_text("Mindestens 12 Zeichen")
        _check(mia)
        mia.get_by_label("Neues Passwort", exact=True).fill(FIRST)
        mia.get_by_label("Neues Passwort noch einmal").fill(FIRST)
        mia.get_by_role("button", name="Passwort speichern und anmelden").click()
        expect(mia.get_by_role("status")).to_contain_text("Willkommen")
        expect(mia.locator("header.site summary")).to_have_text("Mia Neu")
        expect(mia.get_by_text("(dieses Gerät)")).to_be_visible()
        _check(mia)
        mia.goto(welcome)  # used: says so, and what to do
        expect(mia.get_by_text("schon benutzt")).to_be_visible()
        _check(mia)

        # a second login of hers, elsewhere, which the new password will end
        tablet = browser.new_page(locale="de-DE")
        _log_in(tablet, base, "mia", FIRST)
        expect(tablet.locator("header.site summary")).to_have_text("Mia Neu")

        # she logs out and has forgotten her password
        mia.goto(f"{base}/account/")
        mia.locator("header.site summary").click()
        mia.get_by_role("button", name="Abmelden").first.click()
        mia.get_by_role("link", name="Passwort vergessen?").click()
        _check(mia)
        mia.get_by_label("E-Mail-Adresse oder Benutzername").fill("mia@example.org")
        mia.get_by_role("button", name="Link schicken").click()
        expect(mia.get_by_role("heading", name="Sehen Sie in Ihrem Postfach nach")).to_be_visible()
        _check(mia)
        mia.goto(_link_in_mail(smtp_sink, 2, base))
        _check(mia)
        mia.get_by_label("Neues Passwort", exact=True).fill(SECOND)
        mia.get_by_label("Neues Passwort noch einmal").fill(SECOND)
        mia.get_by_role("button", name="Passwort speichern und anmelden").click()
        expect(mia.get_by_role("status")).to_contain_text("Alle bisherigen Anmeldungen")

        tablet.goto(f"{base}/account/")
        expect(tablet).to_have_url(re.compile(r"/account/login"))  # that login has ended
        _log_in(tablet, base, "mia", FIRST)
        expect(tablet.get_by_role("alert")).to_contain_text("Benutzername oder Passwort ist falsch")
        _log_in(tablet, base, "mia", SECOND)
        expect(tablet.locator("header.site summary")).to_have_text("Mia Neu")
        for page in (office, mia, tablet):
            page.close()
