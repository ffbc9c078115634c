"""The weekly programme over HTTP: one week of a district or a partner by day with time, place
and facts, cancelled dates marked, the same refusals as the list pages, a real A4 PDF of the
same page, and a ceiling on the dates one programme holds."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from shared.pdf import render_pdf

from services.calendar.domain.calendar_data import LOCAL

from tests.calendar.test_public_pages import network, offering  # noqa: F401  (the fixture)

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")  # fmt: skip
A4 = (595.28, 841.89)  # points


def next_week() -> tuple[date, str]:
    today = datetime.now(LOCAL).date()
    monday = today + timedelta(days=7 - today.weekday())
    year, week, _ = monday.isocalendar()
    return monday, f"{year}-W{week:02d}"


def this_week() -> tuple[date, str]:
    today = datetime.now(LOCAL).date()
    monday = today - timedelta(days=today.weekday())
    year, week, _ = monday.isocalendar()
    return monday, f"{year}-W{week:02d}"


def days_text(monday: date) -> str:
    """ "7. bis 13. Dezember 2026" as a German reader writes it."""
    sunday = monday + timedelta(days=6)
    last = f"{sunday.day}. {MONTHS[sunday.month - 1]} {sunday.year}"
    if monday.year != sunday.year:
        return f"{monday.day}. {MONTHS[monday.month - 1]} {monday.year} bis {last}"
    if monday.month != sunday.month:
        return f"{monday.day}. {MONTHS[monday.month - 1]} bis {last}"
    return f"{monday.day}. bis {last}"


def dates_of(text: str) -> list[str]:
    return re.findall(r'<h3><a href="/calendar/offering/\d+">([^<]+)</a></h3>', text)


def test_a_district_programme_shows_its_week_by_day_with_time_place_and_facts(calendar_app, network):
    monday, key = next_week()
    page = calendar_app.test_client().get(f"/calendar/programme?district=Lobeda&week={key}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"<h1>Wochenprogramm Lobeda, {days_text(monday)}</h1>" in text
    assert f">Montag, {monday.day}. {MONTHS[monday.month - 1]}</h2>" in text
    assert sorted(dates_of(text)) == ["Eltern-Kind-Turnen", "Seniorencafé"]  # not Nord's Mittagstisch
    assert text.count('<p class="time">10:00–11:00 Uhr</p>') == 2
    assert "Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28 · Lobeda" in text
    assert "<li>kostenlos</li>" in text and "<li>stufenlos erreichbar</li>" in text and "<li>Hörschleife</li>" in text
    assert f'href="/calendar/programme.pdf?district=Lobeda&amp;week={key}"' in text
    assert (
        'href="http://127.0.0.1:8080/calendar/?district=Lobeda"><strong>127.0.0.1:8080/calendar/</strong></a>' in text
    )
    assert "fällt aus" not in text


def test_a_partners_programme_names_the_partner_and_its_cost(calendar_app, network):
    monday, key = next_week()
    text = calendar_app.test_client().get(f"/calendar/programme?partner=awo-nord&week={key}").get_data(as_text=True)
    assert f"<h1>Wochenprogramm AWO Begegnungsstätte Nord, {days_text(monday)}</h1>" in text
    assert dates_of(text) == ["Mittagstisch"]
    assert "<li>3,50 € pro Essen</li>" in text and "AWO Begegnungsstätte Nord · Nord" in text


def test_other_filters_narrow_the_programme_and_show_under_the_title(calendar_app, network):
    _monday, key = next_week()
    text = (
        calendar_app.test_client().get(f"/calendar/programme?category=Sport&free=1&week={key}").get_data(as_text=True)
    )
    assert dates_of(text) == []  # the Turnen is not free
    assert '<p class="details">Ausgewählt: Sport und Bewegung, kostenlos</p>' in text
    assert "In dieser Woche sind keine Termine eingetragen." in text
    text = calendar_app.test_client().get(f"/calendar/programme?audience=Familien&week={key}").get_data(as_text=True)
    assert dates_of(text) == ["Eltern-Kind-Turnen", "Mittagstisch"]  # the Mittagstisch is for everyone


def test_without_a_week_the_programme_is_the_current_one_whole(calendar_app, network):
    monday, key = this_week()
    text = calendar_app.test_client().get("/calendar/programme?district=Lobeda").get_data(as_text=True)
    assert f"Wochenprogramm Lobeda, {days_text(monday)}" in text
    assert f">Montag, {monday.day}. {MONTHS[monday.month - 1]}</h2>" in text  # also when Monday has passed
    assert f"week={key}" in text


def cancel_next_monday(store, network) -> None:
    """The Eltern-Kind-Turnen of next Monday is cancelled, with a reason."""
    monday, _key = next_week()
    start = datetime.combine(monday, datetime.min.time().replace(hour=10), LOCAL).astimezone(timezone.utc)
    stamp = start.strftime("%Y%m%dT%H%M%SZ")
    override = (
        "BEGIN:VEVENT\r\nUID:turnen\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Eltern-Kind-Turnen\r\n"
        f"RECURRENCE-ID:{stamp}\r\nDTSTART:{stamp}\r\n"
        f"DTEND:{(start + timedelta(hours=1)).strftime('%Y%m%dT%H%M%SZ')}\r\n"
        "STATUS:CANCELLED\r\nCOMMENT:Die Halle wird renoviert.\r\nEND:VEVENT\r\nEND:VCALENDAR"
    )
    data = offering("turnen", "Eltern-Kind-Turnen", ("Sport",), "Familien").decode()
    with store() as s:
        s.put(network["lobeda"].id, "turnen.ics", data.replace("END:VCALENDAR", override).encode())


def test_a_cancelled_date_is_marked_with_its_reason(calendar_app, network, store):
    cancel_next_monday(store, network)
    _monday, key = next_week()
    text = calendar_app.test_client().get(f"/calendar/programme?district=Lobeda&week={key}").get_data(as_text=True)
    cancelled = re.search(r'<li class="date cancelled">(.*?)</li>\s*(?=<li class|</ul>)', text, re.S)[1]
    assert "<strong>fällt aus</strong>" in cancelled and "Eltern-Kind-Turnen" in cancelled
    assert "Die Halle wird renoviert." in cancelled
    assert text.count("fällt aus") == 1


@pytest.mark.parametrize("path", ["/calendar/programme", "/calendar/programme.pdf"])
def test_unknown_filters_and_weeks_are_refused_as_on_the_list_pages(calendar_app, network, path):
    client = calendar_app.test_client()
    refused = client.get(f"{path}?district=Mars")
    assert refused.status_code == 400 and refused.content_type.startswith("text/html")
    text = refused.get_data(as_text=True)
    assert "Unbekannter Stadtteil &#39;Mars&#39;. Möglich sind: Lobeda," in text
    assert 'action="/calendar/programme"' in text  # the form to choose again
    assert client.get(f"{path}?partner=niemand").status_code == 400
    assert client.get(f"{path}?q=" + "x" * 101).status_code == 400
    for week in ("2026-W60", "1999-W01", "2999-W01", "nächste", "2026-W5"):
        assert client.get(f"{path}?district=Lobeda&week={week}").status_code == 404, week


def test_the_pdf_is_the_same_programme_on_a4_without_the_site_header(calendar_app, network, store):
    cancel_next_monday(store, network)
    _monday, key = next_week()
    client = calendar_app.test_client()
    answer = client.get(f"/calendar/programme.pdf?district=Lobeda&week={key}")
    assert answer.status_code == 200 and answer.content_type == "application/pdf"
    assert answer.data.startswith(b"%PDF-")
    assert answer.headers["Content-Disposition"] == f'inline; filename="wochenprogramm-lobeda-{key}.pdf"'
    pdf = PdfReader(io.BytesIO(answer.data))
    for page in pdf.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (595.3, 841.9)
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Wochenprogramm Lobeda" in text and "Seniorencafé" in text and "fällt aus" in text
    assert "Karl-Marx-Allee 28" in text and "127.0.0.1:8080/calendar/" in text
    for screen_only in ("Zum Inhalt springen", "Raumbörse", "Als PDF", "Nächste Woche"):
        assert screen_only not in text
    assert pdf.metadata.title.startswith("Wochenprogramm Lobeda")
    again = client.get(
        f"/calendar/programme.pdf?district=Lobeda&week={key}", headers={"If-None-Match": answer.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_partners_pdf_is_named_after_the_partner(calendar_app, network):
    _monday, key = next_week()
    answer = calendar_app.test_client().get(f"/calendar/programme.pdf?partner=mgh-lobeda&week={key}")
    assert answer.headers["Content-Disposition"] == f'inline; filename="wochenprogramm-mgh-lobeda-{key}.pdf"'


def test_a_programme_holds_at_most_300_dates_and_says_so(calendar_app, network, store):
    monday, key = next_week()
    start = datetime.combine(monday, datetime.min.time(), LOCAL).astimezone(timezone.utc)
    busy = offering("takt", "Offene Sprechstunde", ("Beratung",), "Alle").decode()
    busy = re.sub(r"DTSTART;TZID=Europe/Berlin:\d+T\d+", "DTSTART:" + start.strftime("%Y%m%dT%H%M%SZ"), busy)
    busy = re.sub(
        r"DTEND;TZID=Europe/Berlin:\d+T\d+", "DTEND:" + (start + timedelta(minutes=15)).strftime("%Y%m%dT%H%M%SZ"), busy
    )
    busy = busy.replace("RRULE:FREQ=WEEKLY", "RRULE:FREQ=MINUTELY;INTERVAL=30;COUNT=400")  # 336 in the week
    with store() as s:
        s.put(network["nord"].id, "takt.ics", busy.encode())
    client = calendar_app.test_client()
    text = client.get(f"/calendar/programme?district=Nord&week={key}").get_data(as_text=True)
    assert len(dates_of(text)) == 300
    assert "Es gibt mehr Termine, als auf ein Wochenprogramm passen." in text
    shown = dates_of(text).count("Offene Sprechstunde")  # and Monday's Mittagstisch
    answer = client.get(f"/calendar/programme.pdf?district=Nord&week={key}")
    assert answer.status_code == 200
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)
    assert pdf.count("Offene Sprechstunde") == shown == 299


def test_the_choose_page_offers_districts_partners_and_weeks(calendar_app, network):
    _monday, this_key = this_week()
    _next, next_key = next_week()
    client = calendar_app.test_client()
    text = client.get("/calendar/programme/choose?district=Lobeda&access=stufenlos").get_data(as_text=True)
    assert '<form method="get" action="/calendar/programme"' in text
    assert f'href="/calendar/programme?district=Winzerla&amp;week={this_key}"' in text
    assert "<option selected>Lobeda</option>" in text
    assert '<option value="awo-nord">AWO Begegnungsstätte Nord</option>' in text
    assert f'<input type="radio" id="week-{this_key}" name="week" value="{this_key}" checked>' in text
    assert f'<label for="week-{next_key}">Nächste Woche: ' in text
    assert '<input type="hidden" name="access" value="stufenlos">' in text
    assert client.get("/calendar/programme/choose?district=Mars").status_code == 400


def test_an_english_reader_gets_the_programme_in_english(calendar_app, network):
    monday, key = next_week()
    sunday = monday + timedelta(days=6)
    text = (
        calendar_app.test_client()
        .get(f"/calendar/programme?district=Lobeda&week={key}", headers={"Accept-Language": "en"})
        .get_data(as_text=True)
    )
    assert "<h1>Weekly programme Lobeda, " in text and f" to {sunday.day} " in text
    assert ">As PDF</a>" in text and "10:00–11:00" in text


def test_the_pdf_never_asks_the_network_for_what_a_page_names(httpserver, tmp_path):
    """Only the site's own stylesheets are read, from disk; any other address stays unasked."""
    own = tmp_path / "own.css"
    own.write_text("h1 { font-size: 30pt }")
    elsewhere = httpserver.url_for("/")
    page = (
        f'<html><head><title>Probe</title><link rel="stylesheet" href="{elsewhere}evil.css">'
        '<link rel="stylesheet" href="/static/own.css"></head>'
        f'<body><h1>Wochenprogramm</h1><img src="{elsewhere}bild.png" alt=""></body></html>'
    )
    pdf = render_pdf(page, "https://treffpunkt.example/", {"https://treffpunkt.example/static/own.css": own})
    assert pdf.startswith(b"%PDF-") and "Wochenprogramm" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert httpserver.log == []
