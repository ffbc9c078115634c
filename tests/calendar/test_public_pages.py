"""The public calendar over HTTP: lists under filters, search, an offering's page with its
dates, schema.org data and .ics files, conditional GET, refusals a person can act on."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from shared.db import transaction

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.store import sql_public_index
from services.calendar.store.models import CalendarObject

from tests.support.calendar import booking_message, room_message, weekly_event


def offering(uid, summary, categories=("Begegnung",), audience="Senioren", extra=(), klass="PUBLIC") -> bytes:
    return weekly_event(uid, summary, categories, audience, "\r\n".join(extra), klass)


@pytest.fixture
def network(people, store):
    """MGH Lobeda (Lobeda) and AWO Nord (Nord): offerings with facets, one private event."""
    with store() as s:
        lobeda = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        nord = s.ensure_partner_calendar(people["otto"]["partner_id"], "nord", "Angebote AWO Nord")
        s.put(
            lobeda.id,
            "cafe.ics",
            offering(
                "cafe",
                "Seniorencafé",
                extra=(
                    "X-TREFFPUNKT-ACCESSIBILITY:stufenlos,hoerschleife",
                    "X-TREFFPUNKT-COST:kostenlos",
                    "LOCATION:Mehrgenerationenhaus Lobeda\\, Karl-Marx-Allee 28\\, 07747 Jena",
                    "DESCRIPTION:Kaffee\\, Kuchen und Gespräche für ältere Menschen.",
                    "X-TREFFPUNKT-EASY-LANGUAGE:Hier trinken Sie Kaffee. Sie treffen andere Menschen.",
                    "GEO:50.8972;11.6051",
                ),
            ),
        )
        s.put(lobeda.id, "turnen.ics", offering("turnen", "Eltern-Kind-Turnen", ("Sport",), "Familien"))
        s.put(lobeda.id, "team.ics", offering("team", "Teamsitzung", klass="PRIVATE"))
        s.put(
            nord.id,
            "tisch.ics",
            offering("tisch", "Mittagstisch", ("Essen",), "Alle", extra=("X-TREFFPUNKT-COST:3,50 € pro Essen",)),
        )
    return {"lobeda": lobeda, "nord": nord}


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="/calendar/offering/\d+">([^<]+)</a></h3>', response.get_data(as_text=True))


def test_the_week_lists_public_offerings_only(calendar_app, network):
    page = calendar_app.test_client().get("/calendar/")
    assert page.status_code == 200
    assert set(titles(page)) == {"Seniorencafé", "Eltern-Kind-Turnen", "Mittagstisch"}
    assert "Teamsitzung" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("district=Lobeda", {"Seniorencafé", "Eltern-Kind-Turnen"}),
        ("district=Nord&district=Lobeda", {"Seniorencafé", "Eltern-Kind-Turnen", "Mittagstisch"}),
        ("category=Sport&category=Essen", {"Eltern-Kind-Turnen", "Mittagstisch"}),
        ("audience=Senioren", {"Seniorencafé", "Mittagstisch"}),  # "Alle" is for everyone
        ("access=stufenlos&access=hoerschleife", {"Seniorencafé"}),
        ("access=stufenlos&access=gebaerdensprache", set()),  # facts combine with AND
        ("free=1", {"Seniorencafé"}),
        ("time=vormittags", {"Seniorencafé", "Eltern-Kind-Turnen", "Mittagstisch"}),
        ("time=abends", set()),
        ("q=café", {"Seniorencafé"}),  # a word inside a compound title
        ("q=Gespräche+Kuchen", {"Seniorencafé"}),  # every word must match (description)
        ("q=Kuchen+Turnen", set()),
        ("district=Lobeda&audience=Senioren&access=stufenlos", {"Seniorencafé"}),
        ("partner=awo-nord", {"Mittagstisch"}),
    ],
)
def test_filters_combine_as_people_mean_them(calendar_app, network, query, expected):
    page = calendar_app.test_client().get(f"/calendar/?{query}")
    assert page.status_code == 200
    assert set(titles(page)) == expected


def test_german_stemming_finds_other_forms_of_a_word(calendar_app, network):
    page = calendar_app.test_client().get("/calendar/?q=Gespräch")  # the text says "Gespräche"
    assert set(titles(page)) == {"Seniorencafé"}


def test_filter_links_toggle_one_value_and_keep_the_rest(calendar_app, network):
    text = calendar_app.test_client().get("/calendar/week?district=Lobeda").get_data(as_text=True)
    assert 'href="/calendar/week?district=Lobeda&amp;audience=Senioren"' in text
    assert 'href="/calendar/week"' in text  # the chosen value's link removes it
    assert 'aria-current="true"' in text


def test_unknown_filters_and_spans_are_refused_with_a_clear_message(calendar_app, network):
    client = calendar_app.test_client()
    refused = client.get("/calendar/week?district=Mars")
    assert refused.status_code == 400
    assert "Unbekannter Stadtteil" in refused.get_data(as_text=True)
    assert client.get("/calendar/week/2026-W60").status_code == 404
    assert client.get("/calendar/month/1999-01").status_code == 404
    assert client.get("/calendar/week?seite=0").status_code == 404
    assert client.get("/calendar/?q=" + "x" * 101).status_code == 400


def test_a_month_has_a_grid_of_days_linking_to_each_day(calendar_app, network):
    page = calendar_app.test_client().get("/calendar/month?district=Lobeda").get_data(as_text=True)
    assert '<table class="month">' in page
    assert re.search(r'href="/calendar/day/\d{4}-\d{2}-\d{2}\?district=Lobeda"', page)


def test_an_unchanged_page_is_answered_304_without_rendering_and_a_change_shows(calendar_app, network, store):
    client = calendar_app.test_client()
    first = client.get("/calendar/")
    tag = first.headers["ETag"]
    assert client.get("/calendar/", headers={"If-None-Match": tag}).status_code == 304
    with store() as s:
        s.put(network["nord"].id, "chor.ics", offering("chor", "Chor der Generationen", ("Kultur",), "Alle"))
    again = client.get("/calendar/", headers={"If-None-Match": tag})
    assert again.status_code == 200 and "Chor der Generationen" in titles(again)


def _offering_id(client, title: str) -> int:
    page = client.get("/calendar/").get_data(as_text=True)
    return int(re.search(rf'href="/calendar/offering/(\d+)">{title}<', page)[1])


def test_the_offering_page_has_dates_place_contact_and_schema_org(calendar_app, network):
    client = calendar_app.test_client()
    number = _offering_id(client, "Seniorencafé")
    page = client.get(f"/calendar/offering/{number}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for expected in (
        "Karl-Marx-Allee 28",
        "07747 Jena",
        "Lobeda",
        "stufenlos erreichbar",
        "In Leichter Sprache",
        "Hier trinken Sie Kaffee.",
        "openstreetmap.org/?mlat=50.8972",
        "Mehrgenerationenhaus Lobeda",
        "kostenlos",
    ):
        assert expected in text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)[1])
    assert data["@type"] == "EventSeries" and data["name"] == "Seniorencafé"
    event = data["subEvent"][0]
    assert event["@type"] == "Event" and event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["location"]["address"]["streetAddress"] == "Karl-Marx-Allee 28"
    assert event["location"]["address"]["postalCode"] == "07747"
    assert event["startDate"].endswith(("+01:00", "+02:00"))  # local time with its offset
    assert data["isAccessibleForFree"] is True and data["organizer"]["name"] == "Mehrgenerationenhaus Lobeda"


def test_a_date_and_the_series_can_be_added_to_a_calendar(calendar_app, network):
    client = calendar_app.test_client()
    number = _offering_id(client, "Seniorencafé")
    page = client.get(f"/calendar/offering/{number}").get_data(as_text=True)
    link = re.search(rf'href="(/calendar/offering/{number}/\d{{8}}T\d{{6}}Z\.ics)"', page)[1]
    single = client.get(link)
    assert single.headers["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(single.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Seniorencafé" and "RRULE" not in event
    assert str(event["URL"]).endswith(f"/calendar/offering/{number}")
    series = client.get(f"/calendar/offering/{number}.ics")
    (master,) = Calendar.from_ical(series.data).walk("VEVENT")
    assert "RRULE" in master
    assert client.get(f"/calendar/offering/{number}/20200101T000000Z.ics").status_code == 404
    assert client.get("/calendar/offering/999999").status_code == 404


def test_cancelled_dates_show_as_cancelled_with_their_reason(calendar_app, network, store):
    next_monday = _next_weekday(0)
    rid = datetime.combine(next_monday, datetime.min.time().replace(hour=10), LOCAL)
    following = rid + timedelta(weeks=1)
    stamp = rid.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    data = offering("turnen", "Eltern-Kind-Turnen", ("Sport",), "Familien", extra=(f"EXDATE:{stamp}",))
    text = data.decode().replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\r\nUID:turnen\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Eltern-Kind-Turnen\r\n"
        f"RECURRENCE-ID:{following.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}\r\n"
        f"DTSTART:{following.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}\r\n"
        f"DTEND:{(following + timedelta(hours=1)).astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}\r\n"
        "STATUS:CANCELLED\r\nCOMMENT:Fällt wegen Krankheit aus.\r\nEND:VEVENT\r\nEND:VCALENDAR",
    )
    with store() as s:
        s.put(network["lobeda"].id, "turnen.ics", text.encode())
    client = calendar_app.test_client()
    number = _offering_id(client, "Eltern-Kind-Turnen")
    page = client.get("/calendar/?district=Lobeda&category=Sport").get_data(as_text=True)
    assert page.count("fällt aus") == 2 and "Fällt wegen Krankheit aus." in page
    offering_page = client.get(f"/calendar/offering/{number}").get_data(as_text=True)
    assert offering_page.count("fällt aus") == 2 and "Fällt wegen Krankheit aus." in offering_page


def test_a_calendar_made_private_and_a_deleted_event_leave_the_public_pages(calendar_app, network, store):
    with store() as s:
        s.delete(network["nord"].id, "tisch.ics")
    client = calendar_app.test_client()
    assert "Mittagstisch" not in titles(client.get("/calendar/"))
    with store() as s:
        s.update_calendar(network["lobeda"].id, {"displayname": "Intern"})
    with transaction(calendar_app.extensions["db"]) as session:
        from services.calendar.store.models import Calendar as CalendarRow

        session.get(CalendarRow, network["lobeda"].id).public = False
    assert titles(client.get("/calendar/")) == []


def test_objects_stored_before_the_index_are_indexed_by_the_refresh(calendar_app, network):
    with transaction(calendar_app.extensions["db"]) as session:
        session.execute(sql_public_index.delete(sql_public_index.PublicDate))
        session.execute(sql_public_index.delete(sql_public_index.PublicOffering))
        session.query(CalendarObject).update({CalendarObject.public_until: None})
    client = calendar_app.test_client()
    assert titles(client.get("/calendar/")) == []
    with transaction(calendar_app.extensions["db"]) as session:
        assert sql_public_index.refresh(session, datetime.now(timezone.utc)) == 4
        assert sql_public_index.refresh(session, datetime.now(timezone.utc)) == 0
    assert set(titles(client.get("/calendar/"))) == {"Seniorencafé", "Eltern-Kind-Turnen", "Mittagstisch"}


def test_room_bookings_marked_public_appear_in_the_network_calendar(calendar_app, people, run_task):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    run_task("calendar.room_changed", room_message())
    run_task(
        "calendar.booking_changed",
        booking_message(
            partner_id=people["lena"]["partner_id"],
            title="Lesung im Saal",
            occurrences=[{"starts_at": start, "ends_at": start + timedelta(hours=2)}],
        ),
    )
    run_task(
        "calendar.booking_changed",
        booking_message(
            booking_id=2,
            uid="booking-2@treffpunkt-jena.de",
            partner_id=people["lena"]["partner_id"],
            title="Vorstandssitzung",
            public=False,
            occurrences=[{"starts_at": start, "ends_at": start + timedelta(hours=1)}],
        ),
    )
    client = calendar_app.test_client()
    assert titles(client.get("/calendar/?district=Lobeda")) == ["Lesung im Saal"]
    feed = Calendar.from_ical(client.get("/feeds/network.ics").data)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Lesung im Saal"]


def test_a_public_room_booking_shows_in_the_rooms_district_not_the_bookers(calendar_app, people, run_task):
    """Otto's partner is in Nord; the Saal he booked is in Lobeda: the network calendar lists the
    booking under Lobeda, with the room's address."""
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    run_task("calendar.room_changed", room_message())
    run_task(
        "calendar.booking_changed",
        booking_message(
            partner_id=people["otto"]["partner_id"],
            title="Skatrunde im Saal",
            occurrences=[{"starts_at": start, "ends_at": start + timedelta(hours=2)}],
            room_district="Lobeda",
            room_address="Karl-Marx-Allee 28, 07747 Jena",
        ),
    )
    client = calendar_app.test_client()
    assert titles(client.get("/calendar/?district=Lobeda")) == ["Skatrunde im Saal"]
    assert titles(client.get("/calendar/?district=Nord")) == []
    listing = client.get("/calendar/?district=Lobeda").get_data(as_text=True)
    number = re.search(r'href="/calendar/offering/(\d+)"', listing)[1]
    page = client.get(f"/calendar/offering/{number}").get_data(as_text=True)
    assert "Karl-Marx-Allee 28" in page and "Lobeda" in page


def test_the_front_door_leads_to_the_public_calendar_without_login(frontdoor, network):
    from werkzeug.test import Client

    client = Client(frontdoor)
    first = client.get("/")
    assert first.status_code == 302 and first.headers["Location"].endswith("/calendar/")
    page = client.get("/calendar/")
    assert page.status_code == 200 and "Seniorencafé" in page.get_data(as_text=True)


def _next_weekday(weekday: int):
    today = datetime.now(LOCAL).date()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def test_feeds_carry_the_facets_and_rfc_7986_names_and_page(calendar_app, network):
    client = calendar_app.test_client()
    text = client.get("/feeds/network.ics?district=Lobeda&access=stufenlos").get_data(as_text=True)
    feed = Calendar.from_ical(text.encode())
    assert str(feed["NAME"]) == "Treffpunkt Generationen Jena (Lobeda, stufenlos)"
    assert str(feed["URL"]) == "http://127.0.0.1:8080/calendar/?district=Lobeda&access=stufenlos"
    (cafe,) = feed.walk("VEVENT")
    assert str(cafe["SUMMARY"]) == "Seniorencafé"
    assert str(cafe["X-TREFFPUNKT-ACCESSIBILITY"]) == "stufenlos,hoerschleife"
    assert "Hier trinken Sie Kaffee." in str(cafe["X-TREFFPUNKT-EASY-LANGUAGE"])
    assert "GEO" in cafe
    feed = Calendar.from_ical(client.get("/feeds/network.ics?free=1&time=vormittags").data)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Seniorencafé"]


def test_the_refresh_task_indexes_what_was_stored_before_and_runs_in_batches(calendar_app, network, run_task):
    with transaction(calendar_app.extensions["db"]) as session:
        session.execute(sql_public_index.delete(sql_public_index.PublicDate))
        session.execute(sql_public_index.delete(sql_public_index.PublicOffering))
        session.query(CalendarObject).update({CalendarObject.public_until: None})
    assert run_task("calendar.refresh_public", {}) == 4
    assert run_task("calendar.refresh_public", {}) == 0
    assert "Seniorencafé" in titles(calendar_app.test_client().get("/calendar/"))
