"""Booking through the web pages: logged in with the real form, CSRF token from the page."""

import re

import pytest

from services.rooms.db.models import Booking, Occurrence, OutboxMessage

from tests.support.rooms import count, csrf_token, next_week, post_booking_form


def _form(day, start, end, title, public=False):
    data = {"date": day.isoformat(), "start": start, "end": end, "title": title}
    if public:
        data["public"] = "y"
    return data


def _nothing_stored(app):
    return (
        count(app, Booking) == 0
        and count(app, Occurrence) == 0
        and count(app, OutboxMessage, OutboxMessage.task_name != "calendar.room_changed") == 0
    )


def test_room_list_needs_login_and_shows_every_partners_rooms(rooms_app, rooms, web):
    anonymous = rooms_app.test_client().get("/rooms/")
    assert anonymous.status_code == 302 and "/rooms/login" in anonymous.location
    html = web("lena").get("/rooms/").get_data(as_text=True)
    for name in ("Großer Saal", "Küche", "Clubraum", "AWO Begegnungsstätte Nord", "Mehrgenerationenhaus Lobeda"):
        assert name in html
    assert f'href="/rooms/{rooms["club"]}"' in html
    assert "Klavier" in html  # equipment key shown as a German label


def test_room_page_has_a_labelled_booking_form(rooms, web):
    html = web("lena").get(f"/rooms/{rooms['saal']}").get_data(as_text=True)
    for field in ("date", "start", "end", "title", "public"):
        assert re.search(rf'<label for="{field}"[ >]', html), field
        assert f'id="{field}"' in html
    assert 'name="csrf_token"' in html


def test_booking_via_form_is_confirmed_and_stored(rooms_app, rooms, web):
    client = web("lena")
    day = next_week()
    response = post_booking_form(client, rooms["saal"], **_form(day, "15:00", "16:00", "Seniorentanz", public=True))
    assert response.status_code == 302
    match = re.fullmatch(r"/rooms/bookings/(\d+)", response.location)
    assert match
    page = client.get(response.location).get_data(as_text=True)
    assert "Ihre Buchung ist bestätigt" in page and "Seniorentanz" in page and "15:00–16:00" in page
    with rooms_app.extensions["db"]() as s:
        booking = s.get(Booking, int(match.group(1)))
        assert booking.uid == f"booking-{booking.id}@treffpunkt-jena.de"
        assert (booking.status, booking.sequence, booking.public) == ("confirmed", 0, True)
        [occ] = booking.occurrences
        assert occ.starts_at.utcoffset().total_seconds() == 0  # stored in UTC
        assert occ.starts_at.astimezone(day_tz()).hour == 15
    mine = client.get("/rooms/bookings").get_data(as_text=True)
    assert "Meine Buchungen" in mine and "Seniorentanz" in mine


def day_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


def test_overlap_gets_409_with_a_clear_message_and_stores_nothing(rooms_app, rooms, web):
    day = next_week()
    assert (
        post_booking_form(web("lena"), rooms["saal"], **_form(day, "15:00", "16:00", "Seniorentanz")).status_code == 302
    )
    otto = web("otto")
    response = post_booking_form(otto, rooms["saal"], **_form(day, "15:30", "17:00", "Skatrunde"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-code="series_conflict"' in html
    # the wording itself, once for the pages (tests/rooms/test_answers.py has the rest)
    assert re.search(r"Der Raum ist am \d+\. \w+ \d{4} von 15:00 bis 16:00 schon belegt", html)
    assert "Seniorentanz" not in html  # another partner's title stays hidden
    assert count(rooms_app, Booking) == 1
    assert count(rooms_app, OutboxMessage, OutboxMessage.task_name == "notify.booking_notice") == 1


def test_back_to_back_bookings_are_both_accepted(rooms_app, rooms, web):
    client, day = web("lena"), next_week()
    assert post_booking_form(client, rooms["kueche"], **_form(day, "10:00", "11:00", "Frühstück")).status_code == 302
    assert post_booking_form(client, rooms["kueche"], **_form(day, "11:00", "12:00", "Kochkurs")).status_code == 302
    assert count(rooms_app, Booking) == 2


def test_other_partner_sees_belegt_not_the_title(rooms, web):
    day = next_week()
    post_booking_form(web("lena"), rooms["saal"], **_form(day, "15:00", "16:00", "Vertrauliche Runde"))
    own = web("lena").get(f"/rooms/{rooms['saal']}").get_data(as_text=True)
    other = web("otto").get(f"/rooms/{rooms['saal']}").get_data(as_text=True)
    assert "Vertrauliche Runde" in own
    assert "Vertrauliche Runde" not in other
    assert "<td>belegt<br>Mehrgenerationenhaus Lobeda</td>" in other


def test_other_partner_cannot_open_the_booking(rooms, web):
    response = post_booking_form(web("lena"), rooms["saal"], **_form(next_week(), "15:00", "16:00", "Intern"))
    assert web("otto").get(response.location).status_code == 404


@pytest.mark.parametrize(
    "fields, field_id, message",
    [
        (dict(start="16:00", end="15:00", title="Tanz"), "end", "Das Ende muss nach dem Beginn liegen"),
        (dict(start="15:00", end="16:00", title="x" * 201), "title", "höchstens 200 Zeichen"),
        (dict(start="15:00", end="16:00", title=""), "title", "Bitte geben Sie einen Titel an"),
        (dict(start="", end="16:00", title="Tanz"), "start", "Bitte geben Sie eine Anfangszeit an"),
        (dict(start="15:00", end="viertel nach", title="Tanz"), "end", "Bitte geben Sie die Uhrzeit an"),
        (dict(start="05:00", end="20:00", title="Tanz"), "end", "höchstens 14 Stunden"),
    ],
)
def test_bad_form_input_gets_400_with_a_field_message(rooms_app, rooms, web, fields, field_id, message):
    response = post_booking_form(web("lena"), rooms["saal"], date=next_week().isoformat(), **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'<span class="error" id="{field_id}-error">(.*?)</span>', html)
    assert error and message in error.group(1)
    assert f'aria-describedby="{field_id}-error"' in html
    assert _nothing_stored(rooms_app)


def test_slot_in_the_past_is_refused(rooms_app, rooms, web):
    response = post_booking_form(web("lena"), rooms["saal"], date="2020-03-02", start="10:00", end="11:00", title="Alt")
    assert response.status_code == 400
    assert "in der Vergangenheit" in response.get_data(as_text=True)
    assert _nothing_stored(rooms_app)


def test_unknown_room_is_404_and_post_without_csrf_is_refused(rooms_app, rooms, web):
    client = web("lena")
    assert client.get("/rooms/99999").status_code == 404
    response = client.post(f"/rooms/{rooms['saal']}", data=_form(next_week(), "15:00", "16:00", "Ohne Token"))
    assert response.status_code == 400
    assert _nothing_stored(rooms_app)
    # the page still has a valid token to retry with
    assert csrf_token(client.get(f"/rooms/{rooms['saal']}").get_data(as_text=True))
