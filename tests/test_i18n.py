"""German first, English second: every German text marked in the code has an English translation
in the one catalogue, the compiled catalogue is the committed one, and the pages speak English to
an account set to English, to a visitor who chose it (cookie) and to an English browser, German
otherwise. Counts take each language's plural form, days are written as each language writes them,
and errors on pages are a page in the reader's language while programs keep their error bodies."""

import re
from collections import Counter

import pytest
from babel.messages.mofile import read_mo
from werkzeug.test import Client

from shared.translations import catalogue

from tests.support.login import PASSWORD, login

# A %-conversion (with or without a name) or a {} field: what gettext's caller fills in.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z%]|\{[^{}]*\}")


def _forms(message) -> list[str]:
    return list(message) if isinstance(message, (list, tuple)) else [message]


def _translated(catalog) -> dict:
    """Plural entries as tuples: the .po reader gives tuples, the .mo reader lists."""
    return {
        (tuple(_forms(m.id)), m.context): tuple(_forms(m.string)) for m in catalog if m.id and m.string and not m.fuzzy
    }


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
        assert "Kalender des Netzwerks" in _page(client, "/calendar/subscribe", **headers)


def test_an_english_browser_gets_english_pages(frontdoor):
    client = Client(frontdoor)
    for accept in ("en", "en-GB,en;q=0.9,de;q=0.5"):
        login_page = _page(client, "/rooms/login", **{"Accept-Language": accept})
        assert '<html lang="en">' in login_page
        assert ">User name<" in login_page and ">Password<" in login_page and ">Log in<" in login_page
        assert "Anmelden" not in login_page
        assert 'hreflang="de">Deutsch</a>' in login_page
        calendar = _page(client, "/calendar/subscribe", **{"Accept-Language": accept})
        assert "The network's calendar" in calendar and "Subscribe" in calendar


def test_the_language_link_sets_a_cookie_for_all_services_and_goes_back(frontdoor):
    client = Client(frontdoor)
    response = client.get("/rooms/language/en?next=/calendar/%3Fpartner%3Dx")
    assert response.status_code == 302 and response.headers["Location"] == "/calendar/?partner=x"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("treffpunkt_language=en;")
    assert "Path=/" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie
    # The visitor's choice beats the browser's, in every service behind the front door.
    calendar = _page(client, "/calendar/subscribe", **{"Accept-Language": "de"})
    assert '<html lang="en">' in calendar and "The network's calendar" in calendar
    assert ">Log in<" in _page(client, "/notify/login", **{"Accept-Language": "de"})
    client.get("/calendar/language/de")
    assert "Kalender des Netzwerks" in _page(client, "/calendar/subscribe", **{"Accept-Language": "en"})


@pytest.mark.parametrize(
    "target", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:alert(1)", "calendar/"]
)
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
    identity.create_account(
        "emma",
        "Emma",
        partner_slug="mgh-lobeda",
        role="staff",
        email="emma@example.org",
        password=PASSWORD,
        language="en",
    )
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
    calendar = _page(client, "/calendar/subscribe")
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


# --- counts, days and error pages ------------------------------------------------------------
def _day_after(days: int):
    from datetime import date, timedelta

    return date.today() + timedelta(days=days)


@pytest.fixture
def two_rooms(rooms_app, people):
    """A hall for 60 in Lobeda (lena's and emma's house), a room for one in Nord (otto's)."""
    from shared.db import transaction

    from services.rooms.booking import rooms as operations

    with transaction(rooms_app.extensions["db"]) as s:
        return {
            key: operations.create_room(
                s,
                people[who]["partner_id"],
                name=name,
                district=district,
                address="Karl-Marx-Allee 28",
                capacity=capacity,
            ).id
            for key, who, name, district, capacity in (
                ("saal", "lena", "Großer Saal", "Lobeda", 60),
                ("kammer", "otto", "Kammer", "Nord", 1),
            )
        }


def _search(client, day, **filters):
    response = client.get("/rooms/", query_string={"day": day.isoformat(), "start": "15:00", "end": "16:00", **filters})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _written(day, pattern: str, language: str) -> str:
    """A day in the words of `language`: weekday and month names from CLDR, the order from the test."""
    from babel.dates import format_date

    return pattern.format(
        weekday=format_date(day, "EEEE", locale=language),
        d=day.day,
        month=format_date(day, "MMMM", locale=language),
        y=day.year,
    )


def test_counts_take_the_plural_form_of_the_language(frontdoor, two_rooms, emma):
    day = _day_after(9)
    for user, words in (
        (
            "lena",
            {
                "both": "2 Räume sind dann frei, die passendsten zuerst.",
                "one": "1 Raum ist dann frei, der passendste zuerst.",
                "all": ">2 Räume</caption>",
                "seats": (">60 Sitzplätze<", ">1 Sitzplatz<"),
                "heading": "Frei am {weekday}, {d}. {month} {y} von 15:00 bis 16:00",
            },
        ),
        (
            emma,
            {
                "both": "2 rooms are free then, the best fit first.",
                "one": "1 room is free then, the best fit first.",
                "all": ">2 rooms</caption>",
                "seats": (">60 seats<", ">1 seat<"),
                "heading": "Free on {weekday}, {d} {month} {y} from 15:00 to 16:00",
            },
        ),
    ):
        client = Client(frontdoor)
        login(client, user)
        language = "en" if user == emma else "de"
        both = _search(client, day)
        assert words["both"] in both and words["all"] in both and all(s in both for s in words["seats"])
        # the day as the language writes it: "Mittwoch, 3. Dezember 2025", "Wednesday, 3 December 2025"
        assert _written(day, words["heading"], language) in both
        assert words["one"] in _search(client, day, district="Nord")


def test_an_english_day_on_the_room_and_booking_pages(frontdoor, two_rooms, emma):
    client = Client(frontdoor)
    login(client, emma)
    day = _day_after(10)
    page = _page(client, f"/rooms/{two_rooms['saal']}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    booked = client.post(
        f"/rooms/{two_rooms['saal']}",
        data={"csrf_token": token, "date": day.strftime("%d.%m.%Y"), "start": "15:00", "end": "16:00", "title": "Tea"},
    )
    assert booked.status_code == 302, booked.get_data(as_text=True)
    room = _page(client, f"/rooms/{two_rooms['saal']}")
    assert f"<td>{_written(day, '{weekday}, {d} {month} {y}', 'en')},<br>15:00–16:00</td>" in room
    booking = _page(client, booked.headers["Location"])
    assert f'<th scope="row">{_written(day, "{weekday}, {d} {month} {y}", "en")}, 15:00–16:00</th>' in booking


@pytest.mark.parametrize(
    "user, title, text, back",
    [
        ("lena", "Seite nicht gefunden", "Diese Adresse gibt es nicht (mehr).", "Zur Startseite"),
        ("emma", "Page not found", "This address does not exist (any more).", "To the start page"),
    ],
)
def test_a_missing_page_is_explained_in_the_readers_language(frontdoor, people, emma, user, title, text, back):
    client = Client(frontdoor)
    login(client, user)
    response = client.get("/rooms/4711", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 404 and response.content_type.startswith("text/html")
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html and text in html and f'<a href="/rooms/">{back}</a>' in html
    assert "Not Found" not in html and f'<html lang="{"en" if user == emma else "de"}">' in html


def test_no_access_and_a_wrong_method_get_the_page_too(frontdoor, two_rooms, emma):
    client = Client(frontdoor)
    login(client, emma)
    forbidden = client.get(f"/rooms/{two_rooms['kammer']}/rules")  # otto's house's room
    assert forbidden.status_code == 403 and "<h1>No access</h1>" in forbidden.get_data(as_text=True)
    wrong = client.get("/rooms/logout")
    assert wrong.status_code == 405 and set(wrong.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert "<h1>Not possible like this</h1>" in wrong.get_data(as_text=True)


@pytest.mark.parametrize(
    "accept, title",
    [("en-GB,en;q=0.9", "Page not found"), ("de", "Seite nicht gefunden"), (None, "Seite nicht gefunden")],
)
def test_the_front_door_answers_unknown_addresses_with_the_page(frontdoor, accept, title):
    response = Client(frontdoor).get("/nirgends", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 404 and response.content_type.startswith("text/html")
    assert f"<h1>{title}</h1>" in response.get_data(as_text=True)
    # each app's own /static/ is no address of the site
    assert Client(frontdoor).get("/static/site.css").status_code == 404


def test_programs_keep_their_own_error_bodies(frontdoor, people):
    from tests.support.rooms import basic

    client = Client(frontdoor)
    lena = basic("lena", people["lena"]["app_password"])
    browserish = {"Accept": "text/html,*/*;q=0.8", "Accept-Language": "en"}
    api = client.get("/api/rooms/unbekannt", headers={**lena, **browserish})  # lena's account is German
    assert api.status_code == 404 and api.is_json and api.json["message"] == "Diese Adresse gibt es in der API nicht."
    dav = client.get("/dav/nirgends/", headers={**lena, **browserish})
    assert dav.status_code == 404 and dav.content_type.startswith("application/xml")
    assert "Diese Adresse gibt es nicht" in dav.get_data(as_text=True) and "<h1>" not in dav.get_data(as_text=True)
    too_big = client.open(
        "/dav/principals/lena/",
        method="PROPFIND",
        data=b"x" * (3 * 1024 * 1024),
        headers={**lena, **browserish, "Depth": "0"},
    )  # werkzeug's 413, raised on reading
    assert too_big.status_code == 413 and "Zu groß" not in too_big.get_data(as_text=True)
    feed = client.get("/feeds/nirgends.ics", headers=browserish)
    assert feed.status_code == 404 and "Page not found" not in feed.get_data(as_text=True)
    # a program asking a page for JSON does not get the page either
    assert "Seite nicht gefunden" not in client.get("/rooms/nirgends", headers={"Accept": "application/json"}).get_data(
        as_text=True
    )


def test_resend_refusals_from_the_delivery_code_are_translated(notify_app):
    from flask_babel import gettext

    from services.notify import delivery, views
    from services.notify.models import Delivery

    reasons = set()
    erased = Delivery(status="failed", channel="email", recipient="", subject="", text="", body="", last_error="")
    for row in (
        Delivery(status="sent"),
        Delivery(status="failed", channel="sms", recipient="0151 234", body="x"),
        erased,
    ):
        with pytest.raises(delivery.ResendRefused) as refused:
            delivery.requeue(row)
        reasons.add(refused.value.reason)
    assert reasons == set(views.RESEND_REFUSALS)
    with notify_app.test_request_context(headers={"Accept-Language": "en"}):
        assert gettext(views.RESEND_REFUSALS["not_failed"]) == "Only failed messages can be sent again."
