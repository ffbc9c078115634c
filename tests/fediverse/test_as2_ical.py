"""Events of other servers as iCalendar for "Aus der Region": what Gancio, Mobilizon and
Treffpunkt send becomes one public VEVENT in UTC; what cannot be shown right is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, strategies as st
from icalendar import Calendar

from services.calendar.domain import as2_ical

NOW = datetime(2026, 12, 6, tzinfo=UTC)
MOBILIZON = {
    "type": "Event",
    "id": "https://mobilizon.example/events/5f1c",
    "name": "Repair-Café",
    "content": "<p>Bring <b>kaputte</b> Dinge mit &amp; repariere sie.</p><p>Zweite Zeile</p>",
    "startTime": "2026-12-12T14:00:00+01:00",
    "endTime": "2026-12-12T17:00:00Z",
    "url": "https://mobilizon.example/events/5f1c",
    "location": {
        "type": "Place",
        "name": "Stadtteilzentrum",
        "address": {
            "type": "PostalAddress",
            "streetAddress": "Ernst-Abbe-Platz 1",
            "postalCode": "07743",
            "addressLocality": "Jena",
        },
        "latitude": 50.93,
        "longitude": 11.58,
    },
}


def vevent(data: bytes):
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    return event


def test_a_mobilizon_event_becomes_a_public_vevent_in_utc():
    event = vevent(as2_ical.to_ical(MOBILIZON, "Mobilizon Jena", NOW))
    assert str(event["UID"]) == MOBILIZON["id"] and str(event["SUMMARY"]) == "Repair-Café"
    assert event.decoded("DTSTART") == datetime(2026, 12, 12, 13, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 12, 12, 17, 0, tzinfo=UTC)
    assert (
        str(event["DESCRIPTION"])
        == "Bring kaputte Dinge mit & repariere sie.\nZweite Zeile\n\nAus der Region: Mobilizon Jena"
    )
    assert str(event["LOCATION"]) == "Stadtteilzentrum, Ernst-Abbe-Platz 1, 07743 Jena"
    assert str(event["CLASS"]) == "PUBLIC" and str(event["URL"]) == MOBILIZON["url"]
    assert event["GEO"].latitude == 50.93


def test_gancio_style_string_address_and_no_end():
    gancio = {
        **MOBILIZON,
        "endTime": None,
        "location": {"type": "Place", "name": "Kassablanca", "address": "Felsenkellerstraße 13a, Jena"},
    }
    event = vevent(as2_ical.to_ical(gancio, "", NOW))
    assert str(event["LOCATION"]) == "Kassablanca, Felsenkellerstraße 13a, Jena"
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 3600


@pytest.mark.parametrize(
    "change, code",
    [
        ({"type": "Note"}, "type"),
        ({"name": ""}, "name"),
        ({"startTime": "morgen"}, "start"),
        ({"startTime": "2026-12-12T14:00:00"}, "start"),  # floating: where?
        ({"endTime": "2026-12-12T12:00:00Z"}, "end"),
        ({"endTime": "2027-03-12T12:00:00Z"}, "end"),
    ],
)
def test_what_cannot_be_shown_right_is_refused(change, code):
    with pytest.raises(as2_ical.NotAnEvent, match=code):
        as2_ical.to_ical({**MOBILIZON, **change}, "", NOW)


@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_characters="<>&", blacklist_categories=("Cc", "Cs")), max_size=40),
        max_size=5,
    )
)
def test_content_becomes_its_words_without_markup(paragraphs):
    html = "".join(f'<p class="x"><b>{p}</b><br/></p>' for p in paragraphs)
    words = [" ".join(p.split()) for p in paragraphs]
    assert as2_ical.plain_text(html) == "\n".join(w for w in words if w)


def test_object_names_are_stable_and_safe():
    name = as2_ical.object_name(MOBILIZON["id"])
    assert name == as2_ical.object_name(MOBILIZON["id"]) and name.endswith(".ics") and "/" not in name


def test_control_characters_do_not_reach_the_calendar():
    event = vevent(as2_ical.to_ical({**MOBILIZON, "name": "Repair\x00Café\x1b", "content": "a\x00b"}, "", NOW))
    assert str(event["SUMMARY"]) == "Repair Café" and str(event["DESCRIPTION"]).startswith("a b")
