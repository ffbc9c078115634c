"""The JSON API: HTTP Basic with app passwords, JSON errors with a message, OpenAPI spec."""

import pytest

from services.rooms.db.models import Booking, Occurrence, OutboxMessage

from tests.support.rooms import at, basic, count, next_week


def _body(room_id, start, end, title="Chorprobe", **extra):
    return {"room_id": room_id, "starts_at": start.isoformat(), "ends_at": end.isoformat(), "title": title, **extra}


def _nothing_stored(app):
    return (
        count(app, Booking) == 0
        and count(app, Occurrence) == 0
        and count(app, OutboxMessage, OutboxMessage.task_name != "calendar.room_changed") == 0
    )


def test_rooms_are_listed_and_shown(rooms_app, rooms, api_auth):
    client = rooms_app.test_client()
    listed = client.get("/api/rooms/rooms", headers=api_auth("otto"))
    assert listed.status_code == 200
    by_name = {r["name"]: r for r in listed.json}
    assert set(by_name) == {"Großer Saal", "Küche", "Clubraum"}
    assert by_name["Großer Saal"]["partner_name"] == "Mehrgenerationenhaus Lobeda"
    assert by_name["Großer Saal"]["equipment"] == ["beamer", "musikanlage"]
    one = client.get(f"/api/rooms/rooms/{rooms['club']}", headers=api_auth("otto"))
    assert one.status_code == 200 and one.json["step_free"] is False and one.json["capacity"] == 35
    missing = client.get("/api/rooms/rooms/4711", headers=api_auth("otto"))
    assert missing.status_code == 404 and "4711" in missing.json["message"]


def test_book_then_read_back(rooms_app, rooms, api_auth):
    client, day = rooms_app.test_client(), next_week()
    created = client.post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json=_body(rooms["saal"], at(day, 15), at(day, 16), public=True),
    )
    assert created.status_code == 201, created.json
    booking = created.json
    assert booking["uid"] == f"booking-{booking['id']}@treffpunkt-jena.de"
    assert booking["status"] == "confirmed" and booking["sequence"] == 0 and booking["public"] is True
    [occ] = booking["occurrences"]
    assert occ["starts_at"] == at(day, 15).astimezone(__import__("datetime").timezone.utc).isoformat()
    again = client.get(f"/api/rooms/bookings/{booking['id']}", headers=api_auth("otto"))
    assert again.status_code == 200 and again.json == booking
    mine = client.get("/api/rooms/bookings", headers=api_auth("otto"))
    assert [b["id"] for b in mine.json] == [booking["id"]]
    assert client.get("/api/rooms/bookings", headers=api_auth("lena")).json == []
    # the room owner may see it, a third party may not exist for it; coordination sees everything
    assert client.get(f"/api/rooms/bookings/{booking['id']}", headers=api_auth("lena")).status_code == 200
    assert client.get(f"/api/rooms/bookings/{booking['id']}", headers=api_auth("kora")).status_code == 200


def test_conflict_is_409_naming_the_booking(rooms_app, rooms, api_auth):
    client, day = rooms_app.test_client(), next_week()
    first = client.post(
        "/api/rooms/bookings",
        headers=api_auth("lena"),
        json=_body(rooms["saal"], at(day, 15), at(day, 16), "Geheimes Treffen"),
    )
    assert first.status_code == 201
    clash = client.post(
        "/api/rooms/bookings", headers=api_auth("otto"), json=_body(rooms["saal"], at(day, 15, 30), at(day, 16, 30))
    )
    assert clash.status_code == 409
    assert clash.json["errors"] == {"starts_at": [clash.json["message"]]}
    assert clash.json["conflict"]["booking_id"] == first.json["id"]
    assert clash.json["conflict"]["starts_at"] == first.json["occurrences"][0]["starts_at"]
    assert [d["conflicts"][0]["booking_id"] for d in clash.json["conflicts"]] == [first.json["id"]]
    assert clash.json["conflict"]["title"] == "belegt"
    assert "Geheimes Treffen" not in clash.get_data(as_text=True)
    assert count(rooms_app, Booking) == 1
    own = client.post(
        "/api/rooms/bookings", headers=api_auth("lena"), json=_body(rooms["saal"], at(day, 14), at(day, 15, 1))
    )
    assert own.status_code == 409 and own.json["conflict"]["title"] == "Geheimes Treffen"  # own partner's title


def test_without_or_with_wrong_credentials_is_401(rooms_app, rooms, people, web):
    client = rooms_app.test_client()
    for headers in ({}, basic("otto", "falsch"), basic("otto", people["otto"]["password"])):
        response = client.get("/api/rooms/rooms", headers=headers)
        assert response.status_code == 401
        assert response.json["message"] and response.json["errors"] == {}
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    # a browser session is not enough either: the API is CSRF-exempt, so it takes app passwords only
    assert web("otto").get("/api/rooms/rooms").status_code == 401


@pytest.mark.parametrize(
    "mutate, status, field",
    [
        (lambda b: {**b, "ends_at": b["starts_at"]}, 422, "ends_at"),
        (lambda b: {**b, "room_id": 99999}, 404, "room_id"),
        (lambda b: {k: v for k, v in b.items() if k != "title"}, 422, "title"),
        (lambda b: {k: v for k, v in b.items() if k != "starts_at"}, 422, "starts_at"),
        (
            lambda b: {**b, "starts_at": "2020-01-01T10:00:00+01:00", "ends_at": "2020-01-01T11:00:00+01:00"},
            422,
            "starts_at",
        ),
        (lambda b: {**b, "title": "x" * 500}, 422, "title"),
        (lambda b: {**b, "starts_at": b["starts_at"][:19]}, 422, "starts_at"),  # no offset
        (lambda b: {**b, "ends_at": "morgen"}, 422, "ends_at"),
        (lambda b: {**b, "room_id": "eins"}, 422, "room_id"),
    ],
)
def test_bad_input_is_4xx_with_messages_and_stores_nothing(rooms_app, rooms, api_auth, mutate, status, field):
    day = next_week()
    body = mutate(_body(rooms["saal"], at(day, 15), at(day, 16)))
    response = rooms_app.test_client().post("/api/rooms/bookings", headers=api_auth("otto"), json=body)
    assert response.status_code == status, response.json
    assert response.json["message"]
    assert field in response.json["errors"] and all(isinstance(m, str) for m in response.json["errors"][field])
    assert _nothing_stored(rooms_app)


def test_garbage_json_is_400(rooms_app, rooms, api_auth):
    response = rooms_app.test_client().post(
        "/api/rooms/bookings",
        data=b'{"room_id": 1, "title": ',
        content_type="application/json",
        headers=api_auth("otto"),
    )
    assert response.status_code == 400
    assert response.json["message"] == "Der Inhalt ist kein gültiges JSON."
    assert "json" in response.json["errors"]
    assert _nothing_stored(rooms_app)


def test_openapi_spec_and_docs_page(rooms_app):
    client = rooms_app.test_client()
    spec = client.get("/api/rooms/openapi.json")
    assert spec.status_code == 200
    paths = spec.json["paths"]
    assert {
        "/api/rooms/rooms",
        "/api/rooms/rooms/{room_id}",
        "/api/rooms/bookings",
        "/api/rooms/bookings/{booking_id}",
    } <= set(paths)
    assert "409" in paths["/api/rooms/bookings"]["post"]["responses"]
    assert spec.json["components"]["securitySchemes"]["basic"]["scheme"] == "basic"
    docs = client.get("/api/rooms/docs")
    assert docs.status_code == 200
    html = docs.get_data(as_text=True)
    assert "/api/rooms/bookings/{booking_id}" in html and "/api/rooms/openapi.json" in html


def test_api_errors_are_json_but_pages_keep_html(rooms_app, web):
    client = rooms_app.test_client()
    api_404 = client.get("/api/rooms/unbekannt")
    assert api_404.status_code == 404 and api_404.is_json and api_404.json["message"]
    page_404 = web("lena").get("/rooms/4711")
    assert page_404.status_code == 404 and page_404.content_type.startswith("text/html")
