"""German first, English second: every German text marked in the code has an English translation
in the one catalogue, the compiled catalogue is the committed one, and the pages speak English to
an account set to English, to a visitor who chose it (cookie) and to an English browser, German
otherwise."""
import re
from collections import Counter

import pytest
from babel.messages.mofile import read_mo
from werkzeug.test import Client

from shared.translations import catalogue
from tests.conftest import PASSWORD, login

# A %-conversion (with or without a name) or a {} field: what gettext's caller fills in.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z%]|\{[^{}]*\}")


def _forms(message) -> list[str]:
    return list(message) if isinstance(message, (list, tuple)) else [message]


def _translated(catalog) -> dict:
    """Plural entries as tuples: the .po reader gives tuples, the .mo reader lists."""
    return {(tuple(_forms(m.id)), m.context): tuple(_forms(m.string))
            for m in catalog if m.id and m.string and not m.fuzzy}


@pytest.fixture(scope="module")
def po():
    return catalogue.read()


def test_every_marked_text_has_an_english_translation(po):
    untranslated = []
    for marked in catalogue.extract():
        if not marked.id:
            continue
        entry = po.get(marked.id, context=marked.context)
        if entry is None or entry.fuzzy or not all(_forms(entry.string)):
            untranslated.append(f"{marked.id!r} ({', '.join(f for f, _line in marked.locations)})")
    assert not untranslated, "run `make translations` and translate:\n" + "\n".join(untranslated)


def test_the_committed_mo_is_compiled_from_the_po(po):
    with open(catalogue.MO, "rb") as mo:
        compiled = read_mo(mo)
    assert _translated(compiled) == _translated(po), "run `make translations` and commit messages.mo"


def test_translations_keep_the_placeholders_of_the_german_text(po):
    wrong = []
    for entry in po:
        if not entry.id or not entry.string:
            continue
        wanted = Counter(PLACEHOLDER.findall(_forms(entry.id)[-1]))
        for form in _forms(entry.string):
            if Counter(PLACEHOLDER.findall(form)) != wanted:
                wrong.append(f"{entry.id!r} -> {form!r}")
    assert not wrong, "\n".join(wrong)


def test_the_catalogue_has_the_english_plural_rule(po):
    assert po.num_plurals == 2 and po.plural_expr == "(n != 1)"


# --- pages -----------------------------------------------------------------------------------
def _page(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_pages_are_german_by_default(frontdoor):
    client = Client(frontdoor)
    for headers in ({}, {"Accept-Language": "fr, *;q=0.5"}, {"Accept-Language": "de-AT,en;q=0.5"}):
        login_page = _page(client, "/rooms/login", **headers)
        assert '<html lang="de">' in login_page
        assert ">Benutzername<" in login_page and ">Anmelden<" in login_page
        assert 'hreflang="en">English</a>' in login_page
        assert "Kalender des Netzwerks" in _page(client, "/calendar/", **headers)


def test_an_english_browser_gets_english_pages(frontdoor):
    client = Client(frontdoor)
    for accept in ("en", "en-GB,en;q=0.9,de;q=0.5"):
        login_page = _page(client, "/rooms/login", **{"Accept-Language": accept})
        assert '<html lang="en">' in login_page
        assert ">User name<" in login_page and ">Password<" in login_page and ">Log in<" in login_page
        assert "Anmelden" not in login_page
        assert 'hreflang="de">Deutsch</a>' in login_page
        calendar = _page(client, "/calendar/", **{"Accept-Language": accept})
        assert "The network's calendar" in calendar and "Subscribe" in calendar


def test_the_language_link_sets_a_cookie_for_all_services_and_goes_back(frontdoor):
    client = Client(frontdoor)
    response = client.get("/rooms/language/en?next=/calendar/%3Fpartner%3Dx")
    assert response.status_code == 302 and response.headers["Location"] == "/calendar/?partner=x"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("treffpunkt_language=en;")
    assert "Path=/" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    # The visitor's choice beats the browser's, in every service behind the front door.
    calendar = _page(client, "/calendar/", **{"Accept-Language": "de"})
    assert '<html lang="en">' in calendar and "The network's calendar" in calendar
    assert ">Log in<" in _page(client, "/notify/login", **{"Accept-Language": "de"})
    client.get("/calendar/language/de")
    assert "Kalender des Netzwerks" in _page(client, "/calendar/", **{"Accept-Language": "en"})


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:alert(1)",
                                    "calendar/"])
def test_the_language_link_only_goes_back_within_the_site(frontdoor, target):
    response = Client(frontdoor).get("/rooms/language/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/rooms/"


def test_an_unknown_language_is_not_found(frontdoor):
    response = Client(frontdoor).get("/rooms/language/fr")
    assert response.status_code == 404 and "Set-Cookie" not in response.headers


def test_the_language_link_points_back_to_the_page(frontdoor):
    page = _page(Client(frontdoor), "/calendar/?district=Lobeda")
    link = re.search(r'<a href="([^"]+)" lang="en" hreflang="en">English</a>', page).group(1)
    assert link == "/calendar/language/en?next=/calendar/?district%3DLobeda"


@pytest.fixture
def emma(identity, people):
    """A volunteer whose account is set to English."""
    identity.create_account("emma", "Emma", partner_slug="mgh-lobeda", role="staff",
                            email="emma@example.org", password=PASSWORD, language="en")
    return "emma"


def test_an_english_account_gets_english_pages_whatever_the_browser_says(frontdoor, emma):
    client = Client(frontdoor)
    response = login(client, emma)
    assert response.headers["Location"] == "/rooms/"
    rooms = _page(client, "/rooms/", **{"Accept-Language": "de"})
    assert '<html lang="en">' in rooms
    assert "Logged in as Emma." in rooms  # the greeting already in the account's language
    assert "Find a free room" in rooms and ">Monday<" in rooms and "Room exchange" in rooms
    assert "Freien Raum finden" not in rooms
    # signed in, the switch is a form that changes the account's language (CSRF-protected)
    assert 'action="/rooms/language/de"' in rooms and 'name="csrf_token"' in rooms
    calendar = _page(client, "/calendar/")
    assert '<html lang="en">' in calendar and "Connect Thunderbird (read and write)" in calendar
    preferences = _page(client, "/notify/preferences")
    assert '<html lang="en">' in preferences and "How would you like to be told?" in preferences
    assert ">2 hours before<" in preferences and "Language of the messages" in preferences


def test_a_german_account_stays_german_with_an_english_browser_and_cookie(frontdoor, people):
    client = Client(frontdoor)
    client.get("/rooms/language/en")
    login(client, "lena")
    rooms = _page(client, "/rooms/", **{"Accept-Language": "en"})
    assert '<html lang="de">' in rooms and "Freien Raum finden" in rooms and "Angemeldet als Lena." in rooms
    preferences = _page(client, "/notify/preferences", **{"Accept-Language": "en"})
    assert "Wie möchten Sie benachrichtigt werden?" in preferences


def test_api_errors_follow_the_browser_language(frontdoor, people):
    response = Client(frontdoor).get("/api/rooms/rooms", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json["message"] == "Login required: user name and app password (HTTP Basic)."


def test_a_signed_in_person_switches_the_accounts_language_with_csrf(frontdoor, people, identity):
    client = Client(frontdoor)
    login(client, "lena")
    page = _page(client, "/calendar/?district=Lobeda")
    form = re.search(r'<form class="language" method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form.group(1) == "/calendar/language/en"
    fields = dict(re.findall(r'name="(csrf_token|next)" value="([^"]*)"', form.group(2)))
    assert fields["next"] == "/calendar/?district=Lobeda"

    refused = client.post("/calendar/language/en", data={"next": fields["next"]})
    assert refused.status_code == 400 and identity.principal(people["lena"]["id"]).language == "de"

    switched = client.post("/calendar/language/en", data=fields)
    assert switched.status_code == 302 and switched.headers["Location"] == "/calendar/?district=Lobeda"
    assert identity.principal(people["lena"]["id"]).language == "en"
    rooms = _page(client, "/rooms/", **{"Accept-Language": "de"})
    assert '<html lang="en">' in rooms and "Find a free room" in rooms


def test_switching_needs_a_login_and_a_known_language(frontdoor, people):
    client = Client(frontdoor)
    assert client.post("/rooms/language/en").status_code == 400  # no session, so no CSRF token either
    login(client, "lena")
    assert client.post("/rooms/language/fr").status_code == 404
