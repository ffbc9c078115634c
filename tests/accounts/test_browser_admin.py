"""The administration in Chromium, with real workers and the SMTP sink: the office creates a
partner with a logo, invites a colleague to it, she sets her password from the mail, the office
deactivates her, and her next login says why it fails. Every new page passes axe-core and fits
390 px without sideways scrolling."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.accounts.test_browser_accounts import PHONE, _check, _link_in_mail, _log_in
from tests.support.live import LiveServer
from tests.support.login import PASSWORD

MIAS = "mias-eigenes-passwort"


def _logo_file(tmp_path) -> str:
    path = tmp_path / "logo.png"
    out = io.BytesIO()
    Image.new("RGBA", (600, 240), (30, 110, 60, 255)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_the_office_administers_a_partner_and_a_colleague_in_the_browser(
    browser, frontdoor, people, workers, smtp_sink, tmp_path
):
    with LiveServer(frontdoor) as live:
        base = live.url
        office = browser.new_page(locale="de-DE", viewport=PHONE)
        _log_in(office, base, "kora", PASSWORD)
        office.locator("header.site summary").click()  # the account menu
        office.get_by_role("link", name="Verwaltung", exact=True).click()
        expect(office.get_by_role("heading", name="Verwaltung")).to_be_visible()
        _check(office)

        # a new partner with a logo; first a mistake, shown at its field
        office.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Partner").click()
        _check(office)
        office.get_by_role("link", name="Neuen Partner anlegen").click()
        _check(office)
        office.get_by_label("Name", exact=True).fill("Familienzentrum Winzerla")
        office.get_by_label("Kurzname in Adressen").fill("awo-nord")  # taken
        office.get_by_label("Stadtteil").select_option("Winzerla")
        office.get_by_label("Adresse", exact=True).fill("Oßmaritzer Straße 13, 07745 Jena")
        office.get_by_label("Logo", exact=True).set_input_files(_logo_file(tmp_path))
        office.get_by_role("button", name="Partner anlegen").click()
        expect(office.locator("#slug-error")).to_contain_text("schon ein anderer Partner")
        expect(office.get_by_label("Kurzname in Adressen")).to_be_focused()
        _check(office)
        office.get_by_label("Kurzname in Adressen").fill("familienzentrum-winzerla")
        office.get_by_label("Logo", exact=True).set_input_files(_logo_file(tmp_path))  # a file is not kept
        office.get_by_role("button", name="Partner anlegen").click()
        expect(office.get_by_role("status")).to_contain_text("ist angelegt")
        logo = office.get_by_role("img", name="Logo von Familienzentrum Winzerla")
        expect(logo).to_be_visible()
        assert office.evaluate("img => img.naturalWidth", logo.element_handle()) > 0
        _check(office)

        # invite a colleague to it
        office.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Einladen").click()
        office.get_by_label("Name", exact=True).fill("Mia Neu")
        office.get_by_label("E-Mail-Adresse", exact=True).fill("mia@example.org")
        office.get_by_label("Partner", exact=True).select_option(label="Familienzentrum Winzerla")
        office.get_by_role("button", name="Einladung senden").click()
        expect(office.get_by_role("status")).to_contain_text("Benutzername: mia")

        # she chooses her password from the mail
        mia = browser.new_page(locale="de-DE", viewport=PHONE)
        mia.goto(_link_in_mail(smtp_sink, 1, base))
        mia.get_by_label("Neues Passwort", exact=True).fill(MIAS)
        mia.get_by_label("Neues Passwort noch einmal").fill(MIAS)
        mia.get_by_role("button", name="Passwort speichern und anmelden").click()
        expect(mia.locator("header.site summary")).to_have_text("Mia Neu")

        # the office finds her in the list of the new partner and deactivates her
        office.goto(f"{base}/account/admin/")
        office.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Konten").click()
        office.get_by_label("Partner", exact=True).select_option(label="Familienzentrum Winzerla")
        office.get_by_role("button", name="Zeigen").click()
        expect(office.locator("tbody tr")).to_have_count(1)
        _check(office)
        office.get_by_role("link", name="Mia Neu").click()
        _check(office)
        office.get_by_role("button", name="Konto deaktivieren").click()  # without the tick
        expect(office.locator("#close-confirm-error")).to_contain_text("Häkchen")
        expect(office.get_by_label("Ja, dieses Konto deaktivieren")).to_be_focused()
        _check(office)
        office.get_by_label("Ja, dieses Konto deaktivieren").check()
        office.get_by_role("button", name="Konto deaktivieren").click()
        expect(office.get_by_role("status")).to_contain_text("Das Konto ist deaktiviert")
        _check(office)

        # her open page has lost its login; logging in again says why
        mia.goto(f"{base}/account/")
        expect(mia).to_have_url(re.compile(r"/account/login"))
        _log_in(mia, base, "mia", MIAS)
        expect(mia.get_by_role("alert")).to_contain_text("Ihr Konto ist deaktiviert")
        _check(mia)

        # the audit log tells the story, newest first
        office.get_by_role("navigation", name="Verwaltung").get_by_role("link", name="Protokoll").click()
        rows = office.locator("tbody tr")
        expect(rows.nth(0)).to_contain_text("Konto deaktiviert")
        expect(rows.nth(1)).to_contain_text("Passwort über die Einladung gewählt")
        expect(rows.nth(2)).to_contain_text("eingeladen")
        expect(rows.nth(3)).to_contain_text("Partner angelegt")
        _check(office)
        for page in (office, mia):
            page.close()
