"""Entering offerings in the browser's forms over HTTP: a weekly offering made by staff shows in
the public calendar and over CalDAV as the same event; an edit keeps what a calendar program
added and is refused when the event changed meanwhile; one date is cancelled with a public note;
another partner cannot touch it; the coordination office can edit and hide it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from werkzeug.test import Client

from tests.support.login import login
from tests.support.rooms import csrf_token


def _next_wednesday() -> date:
    today = date.today()
    return today + timedelta(days=(2 - today.weekday()) % 7 or 7)


FIELDS = {
    "title": "Seniorencafé",
    "description": "Kaffee, Kuchen und Gespräche.",
    "starts": "14.30 Uhr",
    "ends": "16:30",
    "freq": "weekly",
    "ends_by": "open",
    "location": "Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28, 07747 Jena",
    "district": "",
    "categories": ["Begegnung", "Essen"],
    "audiences": ["Senioren"],
    "accessibility": ["stufenlos"],
    "free": "y",
    "public": "y",
}


def _post(client, path, fields):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **fields})


@pytest.fixture
def lena(frontdoor, people):
    client = Client(frontdoor)
    login(client, "lena")
    return client


def _create(client, **changes) -> str:
    fields = {**FIELDS, "day": _next_wednesday().strftime("%d.%m.%Y"), **changes}
    created = _post(client, "/calendar/offerings/new", fields)
    assert created.status_code == 302, created.get_data(as_text=True)
    return created.headers["Location"]


def test_staff_enter_a_weekly_offering_that_the_public_and_caldav_see(lena, frontdoor, people):
    edit_path = _create(lena)
    assert re.fullmatch(r"/calendar/offerings/partner-\d+-angebote/angebot-[0-9a-f]{16}\.ics", edit_path)
    page = Client(frontdoor).get("/calendar/?district=Lobeda&access=stufenlos").get_data(as_text=True)
    assert "Seniorencafé" in page and "14:30–16:30 Uhr" in page
    slug, name = edit_path.split("/")[-2:]
    dav = Client(frontdoor).get(f"/dav/calendars/lena/{slug}/{name}", auth=("lena", people["lena"]["app_password"]))
    assert dav.status_code == 200
    (event,) = Calendar.from_ical(dav.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Seniorencafé" and event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert str(event["X-TREFFPUNKT-ACCESSIBILITY"]) == "stufenlos" and str(event["X-TREFFPUNKT-COST"]) == "kostenlos"


def test_a_failed_form_says_what_to_fix_and_keeps_what_was_typed(lena):
    response = _post(lena, "/calendar/offerings/new", {**FIELDS, "title": "", "day": "31.02.2027", "freq": "nweekly"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Bitte geben Sie einen Titel an." in text and "Den 31.02.2027 gibt es nicht" in text
    assert "alle wie viele Wochen" in text and 'value="Kaffee, Kuchen' not in text  # textarea keeps its text inside
    assert "Kaffee, Kuchen und Gespräche." in text and 'id="title" maxlength="200" name="title"' in text


def test_an_edit_keeps_what_a_calendar_program_added_and_refuses_a_stale_form(lena, frontdoor, people):
    edit_path = _create(lena)
    slug, name = edit_path.split("/")[-2:]
    auth = ("lena", people["lena"]["app_password"])
    dav = Client(frontdoor)
    stored = dav.get(f"/dav/calendars/lena/{slug}/{name}", auth=auth)
    form_page = lena.get(edit_path).get_data(as_text=True)  # filled before the program's change
    changed = stored.data.replace(b"END:VEVENT", b"X-MOZ-LASTACK:20261201T000000Z\r\nEND:VEVENT")
    put = dav.put(
        f"/dav/calendars/lena/{slug}/{name}",
        data=changed,
        headers={"If-Match": stored.headers["ETag"], "Content-Type": "text/calendar"},
        auth=auth,
    )
    assert put.status_code == 204
    etag_then = re.search(r'id="etag" name="etag" type="hidden" value="([^"]*)"', form_page)[1]
    stale = lena.post(
        edit_path,
        data={
            **FIELDS,
            "day": _next_wednesday().strftime("%d.%m.%Y"),
            "title": "Erzählcafé",
            "etag": etag_then.replace("&#34;", '"'),
            "csrf_token": csrf_token(form_page),
        },
    )
    assert stale.status_code == 409 and "inzwischen geändert" in stale.get_data(as_text=True)
    fresh = _post(
        lena,
        edit_path,
        {
            **FIELDS,
            "day": _next_wednesday().strftime("%d.%m.%Y"),
            "title": "Erzählcafé",
            "etag": _etag(lena, edit_path),
        },
    )
    assert fresh.status_code == 302
    (event,) = Calendar.from_ical(dav.get(f"/dav/calendars/lena/{slug}/{name}", auth=auth).data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Erzählcafé" and str(event["X-MOZ-LASTACK"]) == "20261201T000000Z"


def _etag(client, path) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'id="etag" name="etag" type="hidden" value="([^"]*)"', page)[1].replace("&#34;", '"')


def test_one_date_is_cancelled_with_a_public_note(lena, frontdoor):
    edit_path = _create(lena)
    page = lena.get(edit_path).get_data(as_text=True)
    date_path = re.search(r'href="(/calendar/offerings/[^"]+/date/\d{8}T\d{6}Z)"', page)[1]
    response = _post(
        lena, date_path, {"what": "cancel", "note": "Fällt wegen Krankheit aus.", "etag": _etag(lena, date_path)}
    )
    assert response.status_code == 302
    public = Client(frontdoor).get("/calendar/?district=Lobeda").get_data(as_text=True)
    assert "fällt aus" in public and "Fällt wegen Krankheit aus." in public


def test_another_partner_cannot_see_or_change_it_and_the_office_can_hide_it(lena, frontdoor, people):
    edit_path = _create(lena)
    otto = Client(frontdoor)
    login(otto, "otto")
    assert otto.get(edit_path).status_code == 404
    assert otto.post(edit_path + "/delete", data={}).status_code in (400, 404)  # CSRF or not found
    kora = Client(frontdoor)
    login(kora, "kora")
    assert kora.get(edit_path).status_code == 200
    visitor = Client(frontdoor)
    before = visitor.get("/calendar/")
    assert "Seniorencafé" in before.get_data(as_text=True)  # and kept for the next visitor
    page = kora.get(edit_path).get_data(as_text=True)
    token = csrf_token(page)
    response = kora.post(edit_path + "/hide", data={"csrf_token": token, "hidden": "1"})
    assert response.status_code == 302
    after = visitor.get("/calendar/", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Seniorencafé" not in after.get_data(as_text=True)
    assert (
        lena.post(
            edit_path + "/hide",
            data={"csrf_token": csrf_token(lena.get(edit_path).get_data(as_text=True)), "hidden": "0"},
        ).status_code
        == 403
    )


def test_the_offerings_pages_need_a_login(frontdoor):
    response = Client(frontdoor).get("/calendar/offerings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_whole_offering_is_called_off_with_a_note_and_taken_up_again(lena, frontdoor):
    edit_path = _create(lena)
    page = lena.get(edit_path).get_data(as_text=True)
    called = lena.post(
        edit_path + "/call-off",
        data={
            "csrf_token": csrf_token(page),
            "etag": _etag(lena, edit_path),
            "cancelled": "1",
            "note": "Die Leiterin ist im Urlaub.",
        },
    )
    assert called.status_code == 302
    public = Client(frontdoor).get("/calendar/?district=Lobeda").get_data(as_text=True)
    assert public.count("fällt aus") >= 4 and "Die Leiterin ist im Urlaub." in public
    page = lena.get(edit_path).get_data(as_text=True)
    assert "Das ganze Angebot ist abgesagt." in page
    again = lena.post(
        edit_path + "/call-off", data={"csrf_token": csrf_token(page), "etag": _etag(lena, edit_path), "cancelled": "0"}
    )
    assert again.status_code == 302
    assert "fällt aus" not in Client(frontdoor).get("/calendar/?district=Lobeda").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/calendar/offerings/%00/x.ics", "/calendar/offerings/lobeda/a%00b.ics"])
def test_control_characters_in_an_address_are_not_found_not_a_crash(lena, path):
    token = csrf_token(lena.get("/calendar/offerings/new").get_data(as_text=True))
    assert lena.get(path).status_code == 404
    for action in ("/call-off", "/delete", "/hide"):
        assert lena.post(path + action, data={"csrf_token": token}).status_code == 404
    assert lena.get("/calendar/offerings/new?calendar=%00").status_code in (200, 404)
    assert lena.get("/calendar/offerings/new?copy=%00/x").status_code == 404
