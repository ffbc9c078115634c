""" "Meine Buchungen": cancel (one date, following, series) after a confirm page, change times,
add dates back; another partner sees nothing and can do nothing."""

import re
from datetime import timedelta

from lxml import html as lhtml

from services.rooms.db.models import AuditEntry, Booking, Occurrence

from tests.support.rooms import count, csrf_token, next_week, post_booking_form


def _book(client, room_id, day, n=3, title="Kurs"):
    response = post_booking_form(
        client,
        room_id,
        action="book",
        date=day.isoformat(),
        start="18:00",
        end="19:00",
        title=title,
        freq="weekly",
        count=str(n),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.fullmatch(r"/rooms/bookings/(\d+)", response.location).group(1))


def _occurrences(app, booking_id):
    with app.extensions["db"]() as s:
        return [(o.id, o.state, o.starts_at) for o in s.get(Booking, booking_id).occurrences]


def _post(client, url, **data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_cancel_one_date_after_a_confirm_page(rooms_app, rooms, web):
    otto = web("otto")
    booking_id = _book(otto, rooms["saal"], next_week())
    first, second, third = _occurrences(rooms_app, booking_id)
    url = f"/rooms/bookings/{booking_id}/cancel/{second[0]}"
    page = otto.get(url).get_data(as_text=True)
    assert "Ja, absagen" in page and "nur diesen Termin" in page
    assert [s for _, s, _ in _occurrences(rooms_app, booking_id)] == ["valid"] * 3  # GET changes nothing
    response = _post(otto, url, scope="occurrence")
    assert response.status_code == 302
    assert [s for _, s, _ in _occurrences(rooms_app, booking_id)] == ["valid", "cancelled", "valid"]
    assert count(rooms_app, AuditEntry, AuditEntry.action == "booking_cancelled") == 1
    # ... and it can be added back from the booking page
    page = otto.get(f"/rooms/bookings/{booking_id}").get_data(as_text=True)
    assert "Wieder aufnehmen" in page
    restore = otto.post(f"/rooms/bookings/{booking_id}/restore/{second[0]}", data={"csrf_token": csrf_token(page)})
    assert restore.status_code == 302
    assert [s for _, s, _ in _occurrences(rooms_app, booking_id)] == ["valid"] * 3


def test_cancel_following_and_series(rooms_app, rooms, web):
    otto = web("otto")
    booking_id = _book(otto, rooms["saal"], next_week())
    ids = [i for i, _, _ in _occurrences(rooms_app, booking_id)]
    assert _post(otto, f"/rooms/bookings/{booking_id}/cancel/{ids[1]}", scope="following").status_code == 302
    assert [s for _, s, _ in _occurrences(rooms_app, booking_id)] == ["valid", "cancelled", "cancelled"]
    assert _post(otto, f"/rooms/bookings/{booking_id}/cancel/{ids[0]}", scope="series").status_code == 302
    with rooms_app.extensions["db"]() as s:
        assert s.get(Booking, booking_id).status == "cancelled"


def test_change_time_of_the_series_and_a_conflict_is_409_changing_nothing(rooms_app, rooms, web):
    otto = web("otto")
    day = next_week()
    booking_id = _book(otto, rooms["saal"], day)
    ids = [i for i, _, _ in _occurrences(rooms_app, booking_id)]
    url = f"/rooms/bookings/{booking_id}/change/{ids[0]}"
    assert _post(otto, url, scope="series", date=day.isoformat(), start="17:00", end="18:30").status_code == 302
    assert {s.astimezone(_tz()).strftime("%H:%M") for _, _, s in _occurrences(rooms_app, booking_id)} == {"17:00"}
    # later than the old end plus buffer: the moved rows reach the database only after the check
    assert _post(otto, url, scope="series", date=day.isoformat(), start="20:00", end="21:00").status_code == 302
    assert {s.astimezone(_tz()).strftime("%H:%M") for _, _, s in _occurrences(rooms_app, booking_id)} == {"20:00"}
    # lena takes 10:00 on the second date; moving the series there collides
    second = day + timedelta(weeks=1)
    post_booking_form(web("lena"), rooms["saal"], date=second.isoformat(), start="10:00", end="11:00", title="Privat")
    before = _occurrences(rooms_app, booking_id)
    response = _post(otto, url, scope="series", date=day.isoformat(), start="10:00", end="11:00")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-code="series_conflict"' in html
    assert "Mehrgenerationenhaus Lobeda" in html and "Privat" not in html  # who holds it, not what
    assert _occurrences(rooms_app, booking_id) == before


def _tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


def test_bad_change_input_is_400_in_german(rooms_app, rooms, web):
    otto = web("otto")
    booking_id = _book(otto, rooms["saal"], next_week(), n=1)
    [(oid, _, _)] = _occurrences(rooms_app, booking_id)
    before = _occurrences(rooms_app, booking_id)
    response = _post(
        otto,
        f"/rooms/bookings/{booking_id}/change/{oid}",
        scope="occurrence",
        date=next_week().isoformat(),
        start="19:00",
        end="18:00",
    )
    assert response.status_code == 400
    assert "Das Ende muss nach dem Beginn liegen" in response.get_data(as_text=True)
    response = _post(
        otto,
        f"/rooms/bookings/{booking_id}/change/{oid}",
        scope="occurrence",
        date="irgendwann",  # "morgen" is a day now (domain.typed)
        start="10:00",
        end="11:00",
    )
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert "date-error" in tree.xpath("//*[@id='date']")[0].get("aria-describedby")
    assert _occurrences(rooms_app, booking_id) == before


def test_another_partner_sees_nothing_and_can_do_nothing(rooms_app, rooms, web, people):
    otto = web("otto")
    booking_id = _book(otto, rooms["club"], next_week(), title="Vertraulich")
    oid = _occurrences(rooms_app, booking_id)[0][0]
    lena = web("lena")  # neither booker nor owner of the Clubraum
    assert lena.get(f"/rooms/bookings/{booking_id}").status_code == 404
    assert lena.get(f"/rooms/bookings/{booking_id}/cancel/{oid}").status_code == 404
    token = csrf_token(lena.get(f"/rooms/{rooms['saal']}").get_data(as_text=True))
    for path in (f"cancel/{oid}", f"change/{oid}", f"restore/{oid}"):
        response = lena.post(
            f"/rooms/bookings/{booking_id}/{path}",
            data={
                "csrf_token": token,
                "scope": "series",
                "date": next_week().isoformat(),
                "start": "08:00",
                "end": "09:00",
            },
        )
        assert response.status_code == 404, path
    assert "Vertraulich" not in lena.get("/rooms/bookings").get_data(as_text=True)
    assert {s for _, s, _ in _occurrences(rooms_app, booking_id)} == {"valid"}


def test_owner_may_see_but_not_change_the_time(rooms_app, rooms, web):
    booking_id = _book(web("lena"), rooms["club"], next_week(), n=1)  # otto's partner owns the Clubraum
    otto = web("otto")
    page = otto.get(f"/rooms/bookings/{booking_id}").get_data(as_text=True)
    assert "Zeit ändern" not in page
    oid = _occurrences(rooms_app, booking_id)[0][0]
    response = _post(
        otto,
        f"/rooms/bookings/{booking_id}/change/{oid}",
        scope="occurrence",
        date=next_week().isoformat(),
        start="08:00",
        end="09:00",
    )
    assert response.status_code == 403
    assert 'data-code="not_yours"' in response.get_data(as_text=True)
    assert count(rooms_app, Occurrence, Occurrence.state == "valid") == 1


def test_re_adding_a_date_that_was_taken_meanwhile_is_409(rooms_app, rooms, web):
    otto = web("otto")
    day = next_week()
    booking_id = _book(otto, rooms["saal"], day, n=2)
    first = _occurrences(rooms_app, booking_id)[0][0]
    assert _post(otto, f"/rooms/bookings/{booking_id}/cancel/{first}", scope="occurrence").status_code == 302
    assert (
        post_booking_form(
            web("lena"), rooms["saal"], date=day.isoformat(), start="18:30", end="19:30", title="Nachgerückt"
        ).status_code
        == 302
    )
    before = _occurrences(rooms_app, booking_id)
    page = otto.get(f"/rooms/bookings/{booking_id}").get_data(as_text=True)
    response = otto.post(f"/rooms/bookings/{booking_id}/restore/{first}", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-code="series_conflict"' in html
    assert "Mehrgenerationenhaus Lobeda" in html and "Nachgerückt" not in html
    assert _occurrences(rooms_app, booking_id) == before


def test_a_cancel_without_a_choice_of_dates_opens_at_the_first_option(rooms_app, rooms, web):
    """The scope is a radio group drawn by the shared macro: with an error, the summary links to
    its first option and that option takes the focus; nothing is cancelled."""
    otto = web("otto")
    booking_id = _book(otto, rooms["saal"], next_week())
    _first, second, _third = _occurrences(rooms_app, booking_id)
    for action in ("cancel", "change"):
        response = _post(otto, f"/rooms/bookings/{booking_id}/{action}/{second[0]}", scope="")
        assert response.status_code == 400
        tree = lhtml.fromstring(response.get_data(as_text=True))
        [link] = [a for a in tree.xpath("//div[@class='errorbox']//a") if a.get("href") == "#scope-0"]
        first_option = tree.xpath("//input[@name='scope']")[0]
        assert first_option.get("id") == "scope-0" and first_option.get("autofocus") is not None, action
        assert tree.xpath("//fieldset[contains(@class, 'choice')]/@aria-describedby") == ["scope-error"]
    assert [s for _, s, _ in _occurrences(rooms_app, booking_id)] == ["valid"] * 3
