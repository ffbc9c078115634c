"""Impressum and Datenschutzerklärung (shared/web/legal.py): under every service's prefix, filled
from the settings, linked from the footer of every page, accessible in Chromium at 390 px."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from werkzeug.test import Client

from services import rooms

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import login

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
PREFIXES = ("calendar", "rooms", "notify", "engagement")
PUBLIC = ("calendar", "engagement")  # their start pages are for everyone, without logging in


def _footer_links(page: str) -> list[str]:
    footer = re.search(r'<footer class="site">(.*?)</footer>', page, re.S)
    assert footer, "no footer on the page"
    return re.findall(r'href="([^"]+)"', footer.group(1))


def _shows(response, *expected: str) -> None:
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    missing = [shown for shown in expected if shown not in text]
    assert not missing, missing


@pytest.fixture
def client(frontdoor):
    return Client(frontdoor)


@pytest.fixture
def operator(settings):
    """A rooms app whose settings name a real-looking association."""
    own = replace(
        settings,
        operator_name="Generationen verbinden Jena e. V.",
        operator_address="Am Anger 7, 07743 Jena",
        operator_email="hallo@generationen-jena.example",
        operator_phone="03641 987654",
        operator_represented_by="Vorstand: Erika Muster, Max Beispiel",
        operator_register="Vereinsregister Amtsgericht Jena, VR 230001",
        operator_responsible="Erika Muster, Am Anger 7, 07743 Jena",
        privacy_contact="Datenschutz: Paula Privat, datenschutz@generationen-jena.example",
        privacy_authority="TLfDI, Häßlerstraße 8, 99096 Erfurt",
        operator_hosting="Die Server betreibt die Stadtwerke Jena Netz GmbH im Auftrag des Vereins.",
        delivery_log_days=30,
        server_log_days=7,
        session_idle_minutes=45,
    )
    return rooms.create_app({"SETTINGS": own}).test_client()


def test_the_imprint_shows_the_operator_from_the_settings(operator):
    _shows(
        operator.get("/rooms/impressum"),
        "Generationen verbinden Jena e. V.",
        "Am Anger 7, 07743 Jena",
        'href="mailto:hallo@generationen-jena.example"',
        'href="tel:03641987654"',
        "Vorstand: Erika Muster, Max Beispiel",
        "Vereinsregister Amtsgericht Jena, VR 230001",
        "Erika Muster, Am Anger 7, 07743 Jena",
        "§ 18 Abs. 2",
        'href="/rooms/datenschutz"',
    )


def test_empty_optional_details_are_left_out(client):
    text = client.get("/calendar/impressum").get_data(as_text=True)
    assert "Vertreten durch" not in text and "Registereintrag" not in text
    assert "Koordinierungsstelle Treffpunkt Generationen Jena" in text  # the make run default


def test_the_privacy_statement_names_the_operator_the_authority_and_the_periods(operator):
    _shows(
        operator.get("/rooms/datenschutz"),
        "Generationen verbinden Jena e. V.",
        "Paula Privat, datenschutz@generationen-jena.example",
        "TLfDI, Häßlerstraße 8, 99096 Erfurt",
        "Die Server betreibt die Stadtwerke Jena Netz GmbH im Auftrag des Vereins.",
        "verschickter E-Mails und SMS löschen wir nach 30 Tagen",
        "Die Protokolle werden nach 7 Tagen gelöscht",
        "nach 45 Minuten ohne Aktivität",
        "<code>treffpunkt_session</code>",
        "<code>treffpunkt_language</code>",
    )


def test_the_default_authority_is_thuringias(client):
    text = client.get("/notify/datenschutz").get_data(as_text=True)
    assert "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit" in text
    assert "nach 90 Tagen" in text


@pytest.mark.parametrize("prefix", PREFIXES)
def test_both_pages_answer_under_every_prefix_in_german_and_english(client, prefix):
    imprint, privacy = client.get(f"/{prefix}/impressum"), client.get(f"/{prefix}/datenschutz")
    assert imprint.status_code == privacy.status_code == 200
    assert "<h1>Impressum</h1>" in imprint.get_data(as_text=True)
    assert "<h1>Datenschutzerklärung</h1>" in privacy.get_data(as_text=True)
    english = client.get(f"/{prefix}/datenschutz", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Privacy policy</h1>" in english and "Your rights" in english


def test_the_footer_of_every_service_links_to_its_own_pages(frontdoor, people):
    anonymous = Client(frontdoor)
    pages = {
        "calendar": ["/calendar/", "/calendar/subscribe", "/calendar/login"],
        "rooms": ["/rooms/login"],
        "notify": ["/notify/login"],
        "engagement": ["/engagement/"],
    }
    signed_in = frontdoor.apps["rooms"].test_client(), frontdoor.apps["notify"].test_client()
    login(signed_in[0], "lena", service="rooms")
    login(signed_in[1], "lena", service="notify")
    seen = [(prefix, anonymous.get(path)) for prefix, paths in pages.items() for path in paths]
    seen += [("rooms", signed_in[0].get("/rooms/")), ("notify", signed_in[1].get("/notify/"))]
    seen += [("rooms", anonymous.get("/rooms/no-such-page"))]  # an error page too
    for prefix, response in seen:
        assert response.status_code in (200, 404), (prefix, response.status_code)
        links = _footer_links(response.get_data(as_text=True))
        assert links == [f"/{prefix}/impressum", f"/{prefix}/datenschutz"], (prefix, links)
        for link in links:
            assert anonymous.get(link).status_code == 200


@pytest.mark.parametrize(
    "prefix, window, language",
    [("calendar", PHONE, "de"), ("rooms", LAPTOP, "en"), ("notify", PHONE, "en"), ("engagement", PHONE, "de")],
)
def test_both_pages_fit_a_phone_and_pass_axe(frontdoor, browser, prefix, window, language):
    with LiveServer(frontdoor) as live:
        context = browser.new_context(viewport=window, locale={"de": "de-DE", "en": "en-GB"}[language])
        page = context.new_page()
        try:
            page.goto(f"{live.url}/{prefix}/")
            if prefix not in PUBLIC:
                assert "/login" in page.url  # the footer is there before one logs in, too
            page.get_by_role("contentinfo").get_by_role(
                "link", name="Impressum" if language == "de" else "Imprint"
            ).click()
            assert page.url.endswith(f"/{prefix}/impressum")
            assert_fits_and_accessible(page)
            page.get_by_role("contentinfo").get_by_role(
                "link", name="Datenschutz" if language == "de" else "Privacy"
            ).click()
            assert page.url.endswith(f"/{prefix}/datenschutz")
            assert_fits_and_accessible(page)
        finally:
            context.close()
