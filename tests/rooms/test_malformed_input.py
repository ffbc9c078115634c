"""Malformed input to the rooms service is a clear 4xx, never a 500 and never stored (issue 9,
finding 10): ids beyond PostgreSQL's integer, dates in year 1 or 9999, times with an offset where
a wall-clock time belongs, huge numbers, control characters and over-long text, unknown values.
Through the JSON API (field errors in German) and the web forms (the error at the field)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import html as lhtml

from services.rooms.db.models import AuditEntry, Booking, ClosureRow, Occurrence

from tests.support.rooms import at, count, csrf_token, next_week

HUGE_IDS = [2**31, 2**63, 10**30]
YEAR_1 = "0001-01-01T00:30:00+01:00"
YEAR_9999 = "9999-12-31T23:00:00-05:00"
CONTROL = ["Kurs\x00", "Kurs\x07", "Kurs\x1b[31m", "Kurs\u0085", "Kurs\ud800", "Zeile\nZwei"]


def _booking_body(room_id, **changes):
    day = next_week()
    return {
        "room_id": room_id,
        "starts_at": at(day, 10).isoformat(),
        "ends_at": at(day, 11).isoformat(),
        "title": "Kurs",
        **changes,
    }


def _refused(response, status=422, field=None):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json and response.json["message"]
    if field:
        assert field in response.json["errors"], response.json
        assert all(isinstance(m, str) and m for m in response.json["errors"][field]), response.json


def _nothing_stored(app):
    assert count(app, Booking) == 0 and count(app, Occurrence) == 0


# --- ids in the path and in the body -------------------------------------------------------------
@pytest.mark.parametrize("number", HUGE_IDS + [0])
@pytest.mark.parametrize(
    "path",
    [
        "/rooms/{n}",
        "/rooms/{n}/rules",
        "/bookings/{n}",
        "/bookings/{n}/approve",
        "/bookings/{n}/cancel",
        "/bookings/1/occurrences/{n}/restore",
    ],
)
def test_api_ids_beyond_the_database_in_the_path_are_404(rooms_app, rooms, api_auth, path, number):
    client = rooms_app.test_client()
    url = "/api/rooms" + path.format(n=number)
    method = client.get if path in ("/rooms/{n}", "/rooms/{n}/rules", "/bookings/{n}") else client.post
    response = method(url, headers=api_auth("lena"), json={})
    _refused(response, 404)


def test_api_negative_id_in_the_path_is_404(rooms_app, rooms, api_auth):
    _refused(rooms_app.test_client().get("/api/rooms/rooms/-1", headers=api_auth("lena")), 404)


@pytest.mark.parametrize("room_id", HUGE_IDS + [-1, 0, 1e23, 1.5, True, "1"])
def test_api_room_ids_out_of_range_in_the_body_are_422(rooms_app, rooms, api_auth, room_id):
    client = rooms_app.test_client()
    for path in ("/api/rooms/bookings", "/api/rooms/preview"):
        _refused(client.post(path, headers=api_auth("otto"), json=_booking_body(room_id)), field="room_id")
    _nothing_stored(rooms_app)


@pytest.mark.parametrize("occurrence_id", [2**63, -5])
def test_api_occurrence_ids_out_of_range_are_422(rooms_app, rooms, api_auth, occurrence_id):
    client = rooms_app.test_client()
    booked = client.post("/api/rooms/bookings", headers=api_auth("otto"), json=_booking_body(rooms["club"])).json
    response = client.post(
        f"/api/rooms/bookings/{booked['id']}/cancel",
        headers=api_auth("otto"),
        json={"scope": "occurrence", "occurrence_id": occurrence_id},
    )
    _refused(response, field="occurrence_id")


# --- dates and times -----------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
@pytest.mark.parametrize("moment", [YEAR_1, YEAR_9999, "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"])
def test_api_moments_at_the_ends_of_the_calendar_are_422(rooms_app, rooms, api_auth, field, moment):
    client = rooms_app.test_client()
    for path in ("/api/rooms/bookings", "/api/rooms/preview"):
        _refused(
            client.post(path, headers=api_auth("otto"), json=_booking_body(rooms["saal"], **{field: moment})),
            field=field,
        )
    free = client.get(
        "/api/rooms/free",
        headers=api_auth("otto"),
        query_string={
            "starts_at": YEAR_9999 if field == "starts_at" else at(next_week(), 10).isoformat(),
            "ends_at": moment,
        },
    )
    _refused(free, field="ends_at" if field == "ends_at" else "starts_at")
    _nothing_stored(rooms_app)


def test_api_change_to_year_9999_is_422_and_changes_nothing(rooms_app, rooms, api_auth):
    client = rooms_app.test_client()
    booked = client.post("/api/rooms/bookings", headers=api_auth("otto"), json=_booking_body(rooms["club"])).json
    response = client.post(
        f"/api/rooms/bookings/{booked['id']}/change",
        headers=api_auth("otto"),
        json={
            "scope": "occurrence",
            "occurrence_id": booked["occurrences"][0]["id"],
            "starts_at": YEAR_9999,
            "ends_at": YEAR_9999,
        },
    )
    _refused(response, field="starts_at")


@pytest.mark.parametrize(
    "recurrence, field",
    [
        ({"freq": "weekly", "until": "9999-12-31"}, "until"),
        ({"freq": "weekly", "until": "0001-01-01"}, "until"),
        ({"freq": "weekly", "count": 10**30}, "count"),
        ({"freq": "weekly", "count": -1}, "count"),
        ({"freq": "weekly", "count": 3, "interval": 2**63}, "interval"),
        ({"freq": "monthly", "count": 3, "ordinal": -(2**63)}, "ordinal"),
        ({"freq": "FOO", "count": 3}, "freq"),
    ],
)
def test_api_bad_recurrence_is_422_at_its_field(rooms_app, rooms, api_auth, recurrence, field):
    response = rooms_app.test_client().post(
        "/api/rooms/bookings", headers=api_auth("otto"), json=_booking_body(rooms["saal"], recurrence=recurrence)
    )
    _refused(response, field="recurrence")
    assert field in response.json["errors"]["recurrence"], response.json
    _nothing_stored(rooms_app)


def test_api_skip_dates_out_of_range_or_too_many_are_422(rooms_app, rooms, api_auth):
    client = rooms_app.test_client()
    weekly = {"freq": "weekly", "count": 3}
    for skip in (["0001-01-01"], ["9999-12-31"], [(next_week() + timedelta(days=i)).isoformat() for i in range(5000)]):
        response = client.post(
            "/api/rooms/bookings",
            headers=api_auth("otto"),
            json=_booking_body(rooms["saal"], recurrence=weekly, skip=skip),
        )
        _refused(response, field="skip")
    _nothing_stored(rooms_app)


# --- rules -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "rules, field",
    [
        ({"opening": {"mo": ["08:00+05:00", "20:00"]}}, "opening"),
        ({"opening": {"mo": ["08:00", "20:00+05:00"]}}, "opening"),
        ({"opening": {"mo": ["08:00"]}}, "opening"),
        ({"opening": {"xx": ["08:00", "20:00"]}}, "opening"),
        ({"min_minutes": 10**30}, "min_minutes"),
        ({"max_minutes": 1e23}, "max_minutes"),
        ({"buffer_minutes": -1}, "buffer_minutes"),
        ({"max_days_ahead": 2**63}, "max_days_ahead"),
        ({"closures": [{"first_day": "0001-01-01", "last_day": "9999-12-31"}]}, "closures"),
        ({"closures": [{"first_day": "2026-01-01", "last_day": "2026-01-02", "reason": "Ferien\x00"}]}, "closures"),
        ({"closures": [{"first_day": "2026-01-01", "last_day": "2026-01-02", "reason": "x" * 201}]}, "closures"),
        ({"unknown_rule": 1}, "unknown_rule"),
    ],
)
def test_api_bad_rules_are_422_and_nothing_is_stored(rooms_app, rooms, api_auth, rules, field):
    response = rooms_app.test_client().put(
        f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json=rules
    )
    _refused(response, field=field)
    assert count(rooms_app, ClosureRow) == 0 and count(rooms_app, AuditEntry, AuditEntry.action == "rules_changed") == 0


# --- free text -----------------------------------------------------------------------------------
@pytest.mark.parametrize("title", CONTROL + ["x" * 201])
def test_api_titles_with_control_characters_or_too_long_are_422(rooms_app, rooms, api_auth, title):
    client = rooms_app.test_client()
    for path in ("/api/rooms/bookings", "/api/rooms/preview"):
        _refused(
            client.post(path, headers=api_auth("otto"), json=_booking_body(rooms["saal"], title=title)), field="title"
        )
    _nothing_stored(rooms_app)


@pytest.mark.parametrize("comment", ["Leider\x00", "\x1b[2J", "Zu lang " * 300])
def test_api_decision_comments_with_control_characters_or_too_long_are_422(rooms_app, rooms, api_auth, comment):
    client = rooms_app.test_client()
    client.put(f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json={"approval_required": True})
    request = client.post("/api/rooms/bookings", headers=api_auth("otto"), json=_booking_body(rooms["saal"])).json
    for decision in ("approve", "decline"):
        response = client.post(
            f"/api/rooms/bookings/{request['id']}/{decision}", headers=api_auth("lena"), json={"comment": comment}
        )
        _refused(response, field="comment")
    assert client.get(f"/api/rooms/bookings/{request['id']}", headers=api_auth("otto")).json["status"] == "requested"


def test_api_a_comment_may_have_line_breaks(rooms_app, rooms, api_auth):
    client = rooms_app.test_client()
    client.put(f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json={"approval_required": True})
    request = client.post("/api/rooms/bookings", headers=api_auth("otto"), json=_booking_body(rooms["saal"])).json
    response = client.post(
        f"/api/rooms/bookings/{request['id']}/approve",
        headers=api_auth("lena"),
        json={"comment": "Gern.\r\nBitte\tden Schlüssel abholen."},
    )
    assert response.status_code == 200 and response.json["comment"] == "Gern.\r\nBitte\tden Schlüssel abholen."


# --- the free-room query -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, field",
    [
        ({"capacity": "99999999999999999999"}, "capacity"),
        ({"capacity": "-1"}, "capacity"),
        ({"capacity": "1e23"}, "capacity"),
        ({"district": "Lobeda\x00"}, "district"),
        ({"district": "x" * 61}, "district"),
        ({"equipment": "raumschiff"}, "equipment"),
    ],
)
def test_api_free_room_query_out_of_range_is_422(rooms_app, rooms, api_auth, query, field):
    day = next_week()
    response = rooms_app.test_client().get(
        "/api/rooms/free",
        headers=api_auth("otto"),
        query_string={"starts_at": at(day, 10).isoformat(), "ends_at": at(day, 11).isoformat(), **query},
    )
    _refused(response, field=field)


# --- the web pages -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/rooms/{n}",
        "/rooms/bookings/{n}",
        "/rooms/{n}/rules",
        "/rooms/bookings/1/cancel/{n}",
        "/rooms/bookings/1/change/{n}",
    ],
)
def test_web_ids_beyond_the_database_are_404(rooms_app, rooms, web, path):
    lena = web("lena")
    for number in HUGE_IDS:
        assert lena.get(path.format(n=number)).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "woche=9999-12-31",
        "woche=0001-01-01",
        "date=0001-01-01&start=10:00&end=11:00",
        "date=9999-12-31&start=10:00&end=11:00",
        "start=10:00%2B05:00&end=11:00",
    ],
)
def test_web_room_page_with_dates_at_the_ends_of_the_calendar_still_answers(rooms_app, rooms, web, query):
    response = web("otto").get(f"/rooms/{rooms['saal']}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["31.12.9999", "01.01.0001", "0001-01-01"])
def test_web_search_for_a_day_at_the_ends_of_the_calendar_is_400_at_the_field(rooms_app, rooms, web, day):
    response = web("otto").get("/rooms/", query_string={"day": day, "start": "10:00", "end": "11:00"})
    assert response.status_code == 400
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert tree.xpath("//*[@id='day-error']"), response.get_data(as_text=True)[:2000]


def _book_form(client, room_id, **fields):
    page = client.get(f"/rooms/{room_id}").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "date": next_week().isoformat(),
        "start": "10:00",
        "end": "11:00",
        "title": "Kurs",
        "freq": "once",
        **fields,
    }
    return client.post(f"/rooms/{room_id}", data=data)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"date": "01.01.0001"}, "date"),
        ({"date": "31.12.9999"}, "date"),
        ({"freq": "weekly", "until": "31.12.9999"}, "until"),
        ({"title": "Kurs\x00"}, "title"),
        ({"title": "Kurs\x07"}, "title"),
        ({"title": "Zeile\nZwei"}, "title"),
    ],
)
def test_web_booking_form_refuses_bad_input_at_the_field(rooms_app, rooms, web, fields, field):
    response = _book_form(web("otto"), rooms["saal"], **fields)
    assert response.status_code == 400, response.status_code
    tree = lhtml.fromstring(response.get_data(as_text=True))
    assert tree.xpath(f"//*[@id='{field}-error']"), response.get_data(as_text=True)[:3000]
    _nothing_stored(rooms_app)


def test_web_decision_comment_with_control_characters_is_400(rooms_app, rooms, web, api_auth):
    client = rooms_app.test_client()
    client.put(f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json={"approval_required": True})
    request = client.post("/api/rooms/bookings", headers=api_auth("otto"), json=_booking_body(rooms["saal"])).json
    lena = web("lena")
    token = csrf_token(lena.get("/rooms/requests").get_data(as_text=True))
    response = lena.post(f"/rooms/requests/{request['id']}/approve", data={"csrf_token": token, "comment": "Ja\x00"})
    assert response.status_code == 400 and "Steuerzeichen" in response.get_data(as_text=True)
    assert client.get(f"/api/rooms/bookings/{request['id']}", headers=api_auth("otto")).json["status"] == "requested"


@pytest.mark.parametrize(
    "fields",
    [{"closure-reason": "Ferien\x00"}, {"closure-first_day": "01.01.0001"}, {"closure-last_day": "31.12.9999"}],
)
def test_web_closure_form_refuses_bad_input(rooms_app, rooms, web, fields):
    lena = web("lena")
    token = csrf_token(lena.get(f"/rooms/{rooms['saal']}/rules").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "closure-first_day": "01.02.2027",
        "closure-last_day": "02.02.2027",
        "closure-reason": "Ferien",
        **fields,
    }
    response = lena.post(f"/rooms/{rooms['saal']}/closures", data=data)
    assert response.status_code == 400
    assert count(rooms_app, ClosureRow) == 0


@pytest.mark.parametrize(
    "body", ["[]", '"Kurs"', "null", "1e999", '{"room_id": 1, "room_id": 2}', '{"title": "' + "x" * 100000 + '"}']
)
def test_api_bodies_that_are_not_a_booking_are_4xx(rooms_app, rooms, api_auth, body):
    response = rooms_app.test_client().post(
        "/api/rooms/bookings", headers={**api_auth("otto"), "Content-Type": "application/json"}, data=body
    )
    assert 400 <= response.status_code < 500 and response.is_json and response.json["message"], response.get_data(
        as_text=True
    )[:300]
    _nothing_stored(rooms_app)
