"""An offering entered in the calendar's form gets a room from the exchange, through messages
between the two services and real Celery workers: booked in the name of the person who saved it,
under the exchange's rules (a room that needs approval is requested, a taken time refused with
its dates), shown on the form and on the public page; a cancelled date gives the room back for
that day (and books it again when it is put back, or says the room is taken then), a moved date
is booked at its new time, and a deleted offering releases its booking."""

from __future__ import annotations

import re
from datetime import date, timedelta

import caldav
import pytest
from playwright.sync_api import expect
from werkzeug.test import Client

from shared.db import transaction

from services.rooms.db.models import Booking

from tests.support.axe import assert_fits_and_accessible
from tests.support.live import LiveServer
from tests.support.login import log_in_browser, login
from tests.support.rooms import BERLIN, at, book_one, csrf_token
from tests.support.workers import wait_until


def _next(weekday: int) -> date:
    today = date.today()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _offering(room_id: int, title: str, starts: str = "10:00", ends: str = "12:00") -> dict:
    return {
        "title": title,
        "day": _next(1).strftime("%d.%m.%Y"),
        "starts": starts,
        "ends": ends,
        "freq": "weekly",
        "ends_by": "count",
        "count": "6",
        "location": "Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28, 07747 Jena",
        "categories": ["Kultur"],
        "for_all": "y",
        "free": "y",
        "public": "y",
        "room": str(room_id),
    }


def _post(client, path, fields):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **fields})


def _bookings(rooms_app, title: str) -> list[Booking]:
    with transaction(rooms_app.extensions["db"]) as session:
        found = session.query(Booking).filter(Booking.title == title).order_by(Booking.id).all()
        for b in found:
            _ = [(o.state, o.starts_at) for o in b.occurrences]
        session.expunge_all()
        return found


def _room_listed(client, room_id: int) -> bool:
    return f'value="{room_id}"' in client.get("/calendar/offerings/new").get_data(as_text=True)


def test_an_offering_books_moves_and_releases_a_room_of_another_partner(
    frontdoor, rooms_app, rooms, approval_room, people, workers
):
    otto = Client(frontdoor)
    login(otto, "otto")
    wait_until(lambda: _room_listed(otto, rooms["kueche"]), what="the rooms' calendars")

    created = _post(otto, "/calendar/offerings/new", _offering(rooms["kueche"], "Kochkurs für Väter"))
    assert created.status_code == 302
    edit_path = created.headers["Location"]
    page = wait_until(
        lambda: (text := otto.get(edit_path).get_data(as_text=True)) and "Raum gebucht." in text and text,
        what="the room booked",
    )
    (booking,) = _bookings(rooms_app, "Kochkurs für Väter")
    assert booking.status == "confirmed" and booking.room_id == rooms["kueche"]
    assert booking.booker_account_id == people["otto"]["id"] and len(booking.occurrences) == 6
    assert f'href="/rooms/bookings/{booking.id}"' in page

    public = Client(frontdoor)
    listing = public.get("/calendar/?q=Kochkurs").get_data(as_text=True)
    assert listing.count(">Kochkurs für Väter</a>") == 6  # the offering's dates, not its room booking again
    number = re.search(r'href="/calendar/offering/(\d+)">Kochkurs', listing)[1]
    assert "<dd>Küche</dd>" in public.get(f"/calendar/offering/{number}").get_data(as_text=True)

    # the same time in the same room for a second offering: refused, with the taken dates
    second = _post(otto, "/calendar/offerings/new", _offering(rooms["kueche"], "Backen mit Kindern"))
    second_path = second.headers["Location"]
    refused = wait_until(
        lambda: (text := otto.get(second_path).get_data(as_text=True)) and "schon belegt" in text and text,
        what="the refusal",
    )
    assert _next(1).strftime("%d.%m.") in refused and _bookings(rooms_app, "Backen mit Kindern") == []

    # cancelling one date gives the room back for that day only
    date_link = re.search(r'href="(/calendar/offerings/[^"]+/date/\d{8}T\d{6}Z)"', page)[1]
    etag = re.search(
        r'id="etag" name="etag" type="hidden" value="([^"]*)"', otto.get(date_link).get_data(as_text=True)
    )[1]
    changed = _post(otto, date_link, {"what": "cancel", "note": "Fällt aus.", "etag": etag.replace("&#34;", '"')})
    assert changed.status_code == 302
    wait_until(
        lambda: [o.state for o in _bookings(rooms_app, "Kochkurs für Väter")[0].occurrences].count("cancelled") == 1,
        what="one date given back",
    )

    # moving it into the room that needs approval: the old booking is cancelled, a request made
    fields = _offering(approval_room, "Kochkurs für Väter")
    form = otto.get(edit_path).get_data(as_text=True)
    fields["etag"] = re.search(r'id="etag" name="etag" type="hidden" value="([^"]*)"', form)[1].replace("&#34;", '"')
    moved = otto.post(edit_path, data={"csrf_token": csrf_token(form), **fields})
    assert moved.status_code == 302
    wait_until(lambda: "muss noch zustimmen" in otto.get(edit_path).get_data(as_text=True), what="the request")
    first, again = _bookings(rooms_app, "Kochkurs für Väter")
    assert first.status == "cancelled" and again.status == "requested" and again.room_id == approval_room

    # the owner approves it in the exchange: the offering's form says so
    approved = Client(frontdoor).post(
        f"/api/rooms/bookings/{again.id}/approve", json={}, auth=("lena", people["lena"]["app_password"])
    )
    assert approved.status_code == 200, approved.get_data(as_text=True)
    wait_until(lambda: "Raum gebucht." in otto.get(edit_path).get_data(as_text=True), what="the approval")

    # deleting the offering releases its booking
    form = otto.get(edit_path).get_data(as_text=True)
    etag = re.search(r'name="etag" value="([^"]*)"', form.split('action="' + edit_path + '/delete"')[1])[1]
    deleted = otto.post(
        edit_path + "/delete", data={"csrf_token": csrf_token(form), "etag": etag.replace("&#34;", '"')}
    )
    assert deleted.status_code == 302
    wait_until(lambda: _bookings(rooms_app, "Kochkurs für Väter")[1].status == "cancelled", what="the release")


@pytest.mark.parametrize(
    "window", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "laptop"]
)
def test_staff_enter_a_weekly_offering_with_another_partners_room_in_the_browser(
    browser, frontdoor, rooms, people, workers, window
):
    """The issue's path in Chromium: Otto (AWO Nord) enters a weekly offering with the Küche of
    the MGH Lobeda; the room is booked, the public calendar shows the offering with its room,
    and the caldav library finds the same event in Otto's calendar."""
    title = f"Kochen für Alleinstehende {window['width']}"
    with LiveServer(frontdoor) as live:
        context = browser.new_context(locale="de-DE", viewport=window)
        page = context.new_page()
        log_in_browser(page, live.url, "otto")
        wait_until(
            lambda: (
                page.goto(live.url + "/calendar/offerings/new")
                and page.locator(f'#room option[value="{rooms["kueche"]}"]').count()
            ),
            what="the rooms",
        )
        assert_fits_and_accessible(page)
        page.locator("#title").fill(title)
        page.locator("#day").fill(_next(3).strftime("%d.%m.%Y"))
        page.locator("#starts").fill("17 Uhr")
        page.locator("#ends").fill("19:00")
        page.get_by_label("wöchentlich", exact=True).check()
        page.get_by_label("so oft").check()
        page.locator("#count").fill("8")
        page.locator("#location").fill("Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28, 07747 Jena")
        page.locator("#room").select_option(str(rooms["kueche"]))
        page.get_by_label("Für alle").check()
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator(".flash")).to_contain_text("Das Angebot ist gespeichert.")
        edit_url = page.url
        wait_until(
            lambda: page.goto(edit_url) and "Raum gebucht." in page.locator(".room-state").inner_text(),
            what="the booking",
        )
        assert_fits_and_accessible(page)

        page.goto(live.url + "/calendar/?q=" + title.split()[0])
        page.get_by_role("link", name=title).first.click()
        expect(page.locator("main")).to_contain_text("Küche")
        assert_fits_and_accessible(page)
        context.close()

    with (
        LiveServer(frontdoor) as live,
        caldav.DAVClient(url=live.url + "/dav/", username="otto", password=people["otto"]["app_password"]) as client,
    ):
        calendar = next(c for c in client.principal().calendars() if c.get_display_name().startswith("Angebote –"))
        (event,) = [e for e in calendar.events() if title in e.data]
    assert f"X-TREFFPUNKT-ROOM:{rooms['kueche']}" in event.data and "COUNT=8" in event.data


def _change_date(client, edit_path: str, n: int, **fields):
    """The offering's n-th date changed through its form (what: cancel | restore | move)."""
    links = re.findall(
        r'href="(/calendar/offerings/[^"]+/date/\d{8}T\d{6}Z)"', client.get(edit_path).get_data(as_text=True)
    )
    link = list(dict.fromkeys(links))[n]
    etag = re.search(r'id="etag" name="etag" type="hidden" value="([^"]*)"', client.get(link).get_data(as_text=True))[1]
    changed = _post(client, link, {"note": "", "etag": etag.replace("&#34;", '"'), **fields})
    assert changed.status_code == 302, changed.get_data(as_text=True)[:500]


def _states(rooms_app, title: str) -> dict:
    """(local day, hour) -> state of the dates of the offering's (one) booking."""
    (booking,) = _bookings(rooms_app, title)
    return {
        (o.starts_at.astimezone(BERLIN).date(), o.starts_at.astimezone(BERLIN).hour): o.state
        for o in booking.occurrences
    }


def test_a_date_put_back_or_moved_in_the_form_is_booked_in_the_room_or_shown_as_taken(
    frontdoor, rooms_app, rooms, people, workers
):
    otto = Client(frontdoor)
    login(otto, "otto")
    wait_until(lambda: _room_listed(otto, rooms["kueche"]), what="the rooms' calendars")
    title = "Kochkurs mit Enkeln"
    edit_path = _post(otto, "/calendar/offerings/new", _offering(rooms["kueche"], title)).headers["Location"]
    wait_until(lambda: "Raum gebucht." in otto.get(edit_path).get_data(as_text=True), what="the room booked")
    days = [_next(1) + timedelta(weeks=n) for n in range(6)]

    # a date cancelled and put back: booked again in the same booking
    _change_date(otto, edit_path, 2, what="cancel")
    wait_until(lambda: _states(rooms_app, title)[(days[2], 10)] == "cancelled", what="the date given back")
    _change_date(otto, edit_path, 2, what="restore")
    wait_until(lambda: _states(rooms_app, title)[(days[2], 10)] == "valid", what="the date booked again")

    # a date moved to the afternoon: booked at its new time, its old time given back
    _change_date(otto, edit_path, 3, what="move", day=days[3].strftime("%d.%m.%Y"), starts="15:00", ends="17:00")
    wait_until(lambda: _states(rooms_app, title).get((days[3], 15)) == "valid", what="the moved date booked")
    assert _states(rooms_app, title)[(days[3], 10)] == "cancelled"

    # a date put back after Lena took the room that day: the offering says so, the rest stays
    _change_date(otto, edit_path, 1, what="cancel")
    wait_until(lambda: _states(rooms_app, title)[(days[1], 10)] == "cancelled", what="the date given back")
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    book_one(rooms_app.extensions["db"], lena, rooms["kueche"], at(days[1], 10), at(days[1], 12), "Elterncafé")
    _change_date(otto, edit_path, 1, what="restore")
    page = wait_until(
        lambda: (text := otto.get(edit_path).get_data(as_text=True)) and "Nur an diesen Tagen" in text and text,
        what="the taken date shown",
    )
    assert days[1].strftime("%d.%m.") in page and "Raum gebucht." in page
    assert _states(rooms_app, title)[(days[0], 10)] == "valid" and len(_bookings(rooms_app, title)) == 1
