"""Booking a series on the room page: preview with conflicts and rule breaks, drop dates, confirm."""

from datetime import timedelta

from lxml import html as lhtml

from services.rooms.booking.rules import put_rules
from services.rooms.db.models import Booking, Occurrence, OutboxMessage

from tests.support.rooms import count, csrf_token, next_week, post_booking_form, run


def _series(day, title="Kurs", **extra):
    return {
        "date": day.isoformat(),
        "start": "18:00",
        "end": "19:30",
        "title": title,
        "freq": "weekly",
        "count": "4",
        **extra,
    }


def _nothing_stored(app):
    return (
        count(app, Booking) == 0
        and count(app, Occurrence) == 0
        and count(app, OutboxMessage, OutboxMessage.task_name != "calendar.room_changed") == 0
    )


def _blocker(web, rooms, day):
    """Lena's (other partner's) booking on the third date of otto's wanted series."""
    third = day + timedelta(weeks=2)
    assert (
        post_booking_form(
            web("lena"), rooms["saal"], date=third.isoformat(), start="19:00", end="20:00", title="Geheime Probe"
        ).status_code
        == 302
    )
    return third


def test_preview_lists_every_date_with_what_collides_and_stores_nothing(rooms_app, rooms, web):
    day = next_week()
    third = _blocker(web, rooms, day)
    otto = web("otto")
    response = post_booking_form(otto, rooms["saal"], action="preview", **_series(day))
    assert response.status_code == 200
    tree = lhtml.fromstring(response.get_data(as_text=True))
    rows = tree.xpath("//table[@aria-labelledby='vorschau']/tbody/tr")
    assert len(rows) == 4
    blocked = [r for r in rows if r.get("class") == "blocked"]
    assert len(blocked) == 1 and blocked[0].xpath(".//input[@name='skip']")[0].get("value") == third.isoformat()
    text = blocked[0].text_content()
    assert "belegt (Mehrgenerationenhaus Lobeda)" in text and "19:00 bis 20:00" in text
    assert "Geheime Probe" not in response.get_data(as_text=True)
    assert count(rooms_app, Booking) == 1  # only lena's


def test_dropping_the_conflicting_date_books_the_rest(rooms_app, rooms, web):
    day = next_week()
    third = _blocker(web, rooms, day)
    otto = web("otto")
    response = post_booking_form(otto, rooms["saal"], action="book", skip=[third.isoformat()], **_series(day))
    assert response.status_code == 302, response.get_data(as_text=True)
    with rooms_app.extensions["db"]() as s:
        booking = s.query(Booking).filter_by(title="Kurs").one()
        states = {o.starts_at.astimezone(third_tz()).date(): o.state for o in booking.occurrences}
    assert states == {
        day: "valid",
        day + timedelta(weeks=1): "valid",
        third: "skipped",
        day + timedelta(weeks=3): "valid",
    }
    mine = otto.get("/rooms/bookings").get_data(as_text=True)
    assert "Kurs" in mine and "ausgelassen" in mine


def third_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


def test_conflict_at_confirm_time_is_409_listing_the_dates_and_nothing_is_stored(rooms_app, rooms, web):
    day = next_week()
    third = _blocker(web, rooms, day)
    response = post_booking_form(web("otto"), rooms["saal"], action="book", **_series(day))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-code="series_conflict"' in html and "Geheime Probe" not in html
    tree = lhtml.fromstring(html)
    assert [r.xpath(".//input")[0].get("value") for r in tree.xpath("//tr[@class='blocked']")] == [third.isoformat()]
    assert count(rooms_app, Booking) == 1


def test_series_without_end_is_400_with_the_message_at_the_field(rooms_app, rooms, web):
    response = post_booking_form(web("otto"), rooms["saal"], action="preview", **_series(next_week(), count=""))
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert "count-error" in tree.xpath("//*[@id='count']")[0].get("aria-describedby")
    assert "wie oft oder bis wann" in tree.xpath("//*[@id='count-error']")[0].text_content()
    assert _nothing_stored(rooms_app)


def test_monthly_and_every_second_week(rooms_app, rooms, web):
    day = next_week()
    for freq, extra, gap in (("nweekly", {"interval": "2"}, timedelta(weeks=2)), ("monthly", {}, None)):
        response = post_booking_form(
            web("otto"), rooms["club"], action="preview", **_series(day, freq=freq, count="3", **extra)
        )
        assert response.status_code == 200
        days = [
            i.get("value") for i in lhtml.fromstring(response.get_data(as_text=True)).xpath("//input[@name='skip']")
        ]
        assert len(days) == 3 and days[0] == day.isoformat()
        if gap:
            assert days[1] == (day + gap).isoformat()
        else:
            from datetime import date

            second = date.fromisoformat(days[1])
            assert (second.weekday() == day.weekday() and (second.day - 1) // 7 == (day.day - 1) // 7) or (
                day.day - 1
            ) // 7 == 4
    assert _nothing_stored(rooms_app)


def test_missing_csrf_stores_nothing(rooms_app, rooms, web):
    response = web("otto").post(f"/rooms/{rooms['saal']}", data=_series(next_week()))
    assert response.status_code == 400
    assert _nothing_stored(rooms_app)


def test_room_with_approval_says_so_and_sends_a_request(rooms_app, rooms, web, people):
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    run(rooms_app.extensions["db"], put_rules, lena, rooms["saal"], {"approval_required": True})
    otto = web("otto")
    page = otto.get(f"/rooms/{rooms['saal']}").get_data(as_text=True)
    assert "Anfrage senden" in page and "Verbindlich buchen" not in page
    response = post_booking_form(otto, rooms["saal"], action="book", **_series(next_week(), count="2"))
    assert response.status_code == 302
    assert "wartet auf die Freigabe" in otto.get(response.location).get_data(as_text=True)
    with rooms_app.extensions["db"]() as s:
        assert s.query(Booking).one().status == "requested"
    # the owner's own staff book directly
    assert "Verbindlich buchen" in web("lena").get(f"/rooms/{rooms['saal']}").get_data(as_text=True)


def test_search_result_link_prefills_the_booking_form(rooms, web):
    day = next_week()
    page = web("otto").get(f"/rooms/{rooms['club']}?date={day.isoformat()}&start=15:00&end=17:00")
    tree = lhtml.fromstring(page.get_data(as_text=True))
    assert tree.xpath("//input[@id='date']")[0].get("value").endswith(day.strftime(", %d.%m.%Y"))
    assert tree.xpath("//input[@id='start']")[0].get("value") == "15:00"
    assert csrf_token(page.get_data(as_text=True))
