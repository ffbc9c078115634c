"""Public feeds over HTTP: calendar text, filters, caching validators, errors in German."""

import pytest
from icalendar import Calendar

from tests.support.calendar import booking_message, weekly_event


@pytest.fixture
def network(people, store):
    """Two partner calendars with offerings; one private event that must never appear."""
    with store() as s:
        lena = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        otto = s.ensure_partner_calendar(people["otto"]["partner_id"], "nord", "Angebote AWO Nord")
        s.put(lena.id, "turnen.ics", weekly_event("turnen", "Eltern-Kind-Turnen", ("Sport",), "Familien"))
        s.put(lena.id, "kino.ics", weekly_event("kino", "Familienkino", ("Kultur",), "Alle"))
        s.put(lena.id, "intern.ics", weekly_event("intern", "Teamsitzung", ("Begegnung",), "Alle", klass="PRIVATE"))
        s.put(otto.id, "tisch.ics", weekly_event("tisch", "Mittagstisch", ("Essen",), "Senioren"))


def summaries(response) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")}


def test_network_feed_has_public_events_timezone_and_name(calendar_app, network):
    response = calendar_app.test_client().get("/feeds/network.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert summaries(response) == {"Eltern-Kind-Turnen", "Familienkino", "Mittagstisch"}
    text = response.get_data(as_text=True)
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin" in text and "X-WR-CALNAME:Treffpunkt Generationen Jena" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text and "X-PUBLISHED-TTL:PT1H" in text


def test_a_feed_is_the_same_bytes_whatever_language_the_asker_speaks(calendar_app, network):
    """One cache entry and one ETag per feed: the first subscriber's language must not become
    everyone's."""
    client = calendar_app.test_client()
    english = client.get("/feeds/network.ics", headers={"Accept-Language": "en"})
    german = client.get("/feeds/network.ics", headers={"Accept-Language": "de"})
    assert english.data == german.data and english.headers["ETag"] == german.headers["ETag"]
    assert "X-WR-CALDESC:Öffentliche Angebote" in german.get_data(as_text=True)


def test_network_feed_filters(calendar_app, network):
    client = calendar_app.test_client()
    assert summaries(client.get("/feeds/network.ics?partner=awo-nord")) == {"Mittagstisch"}
    assert summaries(client.get("/feeds/network.ics?district=Lobeda")) == {"Eltern-Kind-Turnen", "Familienkino"}
    assert summaries(client.get("/feeds/network.ics?category=Sport&category=Essen")) == {
        "Eltern-Kind-Turnen",
        "Mittagstisch",
    }
    assert summaries(client.get("/feeds/network.ics?district=Lobeda&audience=Familien")) == {
        "Eltern-Kind-Turnen",
        "Familienkino",
    }
    assert summaries(client.get("/feeds/network.ics?partner=awo-nord&category=Sport")) == set()


def test_unknown_filter_values_get_400_in_german(calendar_app, network):
    client = calendar_app.test_client()
    for query, words in (
        ("partner=niemand", "Unbekannter Partner"),
        ("district=Atlantis", "Stadtteil"),
        ("category=Schach", "Kategorie"),
        ("audience=Katzen", "Zielgruppe"),
    ):
        response = client.get(f"/feeds/network.ics?{query}")
        assert response.status_code == 400 and words in response.get_data(as_text=True)


def test_filter_refusals_speak_the_askers_language(calendar_app, network):
    client = calendar_app.test_client()
    german = client.get("/feeds/network.ics?district=Atlantis").get_data(as_text=True)
    assert german.startswith("Unbekannter Stadtteil 'Atlantis'. Möglich sind: Lobeda, Winzerla")
    english = client.get("/feeds/network.ics?district=Atlantis", headers={"Accept-Language": "en"})
    assert english.status_code == 400
    assert english.get_data(as_text=True).startswith("Unknown district 'Atlantis'. Possible districts: Lobeda")
    page = client.get("/calendar/subscribe?audience=Katzen", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Unknown audience &#39;Katzen&#39;" in page or "Unknown audience 'Katzen'" in page


def test_etag_and_304_and_change_invalidates(calendar_app, network, store, people):
    client = calendar_app.test_client()
    first = client.get("/feeds/network.ics")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert client.get("/feeds/network.ics", headers={"If-None-Match": etag}).status_code == 304
    with store() as s:
        s.put(s.calendar("nord").id, "neu.ics", weekly_event("neu", "Erzählcafé", ("Begegnung",), "Senioren"))
    changed = client.get("/feeds/network.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and "Erzählcafé" in summaries(changed)


def test_room_feed_and_unknown_room(calendar_app, run_task):
    client = calendar_app.test_client()
    missing = client.get("/feeds/rooms/4711.ics")
    assert missing.status_code == 404 and "4711" in missing.get_data(as_text=True)
    run_task("calendar.booking_changed", booking_message(public=False))
    response = client.get("/feeds/rooms/7.ics")
    assert response.status_code == 200 and summaries(response) == {"Belegt"}
    assert "X-WR-CALNAME:Raum 7" in response.get_data(as_text=True)


def test_overview_page_links_feeds_and_explains_thunderbird(calendar_app, network, run_task):
    run_task("calendar.booking_changed", booking_message())
    client = calendar_app.test_client()
    page = client.get("/calendar/subscribe").get_data(as_text=True)
    assert "webcal://127.0.0.1:8080/feeds/network.ics" in page and "/feeds/rooms/7.ics" in page
    assert "http://127.0.0.1:8080/dav/" in page and "App-Passwort" in page
    built = client.get("/calendar/subscribe?district=Nord&category=Essen").get_data(as_text=True)
    assert "webcal://127.0.0.1:8080/feeds/network.ics?district=Nord&amp;category=Essen" in built
    assert client.get("/calendar/subscribe?audience=Katzen").status_code == 400
