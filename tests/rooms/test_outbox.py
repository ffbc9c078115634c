"""Messages: a booking and its two messages are one commit; rooms announce themselves."""

import json

import pytest
import redis
from marshmallow import ValidationError

from shared import contracts

from services.rooms.booking.errors import InvalidInput, NotAllowed
from services.rooms.booking.rooms import create_room, update_room
from services.rooms.db.models import OutboxMessage, Room

from tests.support.infra import REDIS_URL
from tests.support.rooms import at, next_week, run


def _rows(app, task_name=None):
    with app.extensions["db"]() as s:
        query = s.query(OutboxMessage).order_by(OutboxMessage.id)
        if task_name:
            query = query.filter(OutboxMessage.task_name == task_name)
        return query.all()


def _skatrunde(rooms_app, api_auth, room_id: int, day):
    """Otto books a public Skatrunde next week through the API."""
    response = rooms_app.test_client().post(
        "/api/rooms/bookings",
        headers=api_auth("otto"),
        json={
            "room_id": room_id,
            "starts_at": at(day, 15).isoformat(),
            "ends_at": at(day, 16).isoformat(),
            "title": "Skatrunde",
            "public": True,
        },
    )
    assert response.status_code == 201
    return response


def test_a_booking_writes_exactly_two_valid_messages(rooms_app, rooms, api_auth, people, settings):
    day = next_week()
    response = _skatrunde(rooms_app, api_auth, rooms["saal"], day)
    booking = response.json
    rows = [r for r in _rows(rooms_app) if r.task_name != "calendar.room_changed"]
    assert sorted(r.task_name for r in rows) == ["calendar.booking_changed", "notify.booking_notice"]
    payloads = {r.task_name: contracts.load(r.task_name, json.loads(r.payload)) for r in rows}

    changed = payloads["calendar.booking_changed"]
    assert (changed["booking_id"], changed["uid"], changed["sequence"]) == (booking["id"], booking["uid"], 0)
    assert (changed["status"], changed["public"], changed["title"]) == ("confirmed", True, "Skatrunde")
    assert changed["partner_id"] == people["otto"]["partner_id"] and changed["room_id"] == rooms["saal"]
    assert [(o["starts_at"], o["ends_at"]) for o in changed["occurrences"]] == [(at(day, 15), at(day, 16))]

    notice = payloads["notify.booking_notice"]
    assert notice["kind"] == "confirmed" and notice["uid"] == booking["uid"]
    assert notice["recipient"] == {
        "account_id": people["otto"]["id"],
        "name": "Otto",
        "email": "otto@example.org",
        "phone": "+49 160 9876543",
        "language": "de",
    }
    assert notice["room"] == {
        "id": rooms["saal"],
        "name": "Großer Saal",
        "address": "Karl-Marx-Allee 28",
        "partner_name": "Mehrgenerationenhaus Lobeda",
    }
    assert notice["link"] == f"{settings.public_url}/rooms/bookings/{booking['id']}"
    # relayed right after the commit, onto the receivers' queues in the real Redis
    assert all(r.sent_at is not None for r in rows)
    broker = redis.Redis.from_url(REDIS_URL)
    assert broker.llen("calendar") >= 1 and broker.llen("notify") == 1


def test_rooms_created_and_changed_announce_themselves(rooms_app, rooms, identity):
    rows = _rows(rooms_app, "calendar.room_changed")
    assert len(rows) == 3
    loaded = [contracts.load(r.task_name, json.loads(r.payload)) for r in rows]
    assert {p["name"] for p in loaded} == {"Großer Saal", "Küche", "Clubraum"}
    assert all(p["revision"] == 0 for p in loaded)
    lena = identity.principal_by_username("lena")
    otto = identity.principal_by_username("otto")
    factory = rooms_app.extensions["db"]
    room = run(factory, update_room, rooms["saal"], lena, capacity=90, step_free=False)
    assert (room.capacity, room.revision) == (90, 1)
    with pytest.raises(NotAllowed):
        run(factory, update_room, rooms["saal"], otto, name="Gekapert")
    with factory() as s:
        assert s.get(Room, rooms["saal"]).name == "Großer Saal"
    latest = contracts.load("calendar.room_changed", json.loads(_rows(rooms_app, "calendar.room_changed")[-1].payload))
    assert (latest["room_id"], latest["capacity"], latest["step_free"], latest["revision"]) == (
        rooms["saal"],
        90,
        False,
        1,
    )
    assert len(_rows(rooms_app, "calendar.room_changed")) == 4


KEYS = ("beamer", "kueche")  # the equipment a room may name (the shared vocabulary's, passed in)


def test_invalid_room_is_refused_without_a_message(rooms_app, people):
    for values in (dict(name=" "), dict(name="Saal", capacity=-1), dict(name="Saal", equipment=["sauna"])):
        with pytest.raises(InvalidInput):
            run(rooms_app.extensions["db"], create_room, people["lena"]["partner_id"], equipment_keys=KEYS, **values)
    assert _rows(rooms_app) == []


def test_contract_rejects_what_we_must_never_send():
    try:
        contracts.build(
            "notify.booking_notice",
            kind="confirmed",
            booking_id=1,
            uid="u",
            sequence=0,
            title="t",
            room={"id": 1, "name": "r"},
            recipient={"account_id": 1, "name": "n", "language": "fr"},
            occurrences=[],
        )
    except ValidationError:
        return
    raise AssertionError("a recipient language outside de/en passed the contract")


def test_a_booking_message_says_where_the_room_is(rooms_app, rooms, api_auth):
    """The network calendar shows a public booking in the room's district (not the booker's)."""
    _skatrunde(rooms_app, api_auth, rooms["saal"], next_week())
    (row,) = _rows(rooms_app, "calendar.booking_changed")
    changed = contracts.load(row.task_name, json.loads(row.payload))
    with rooms_app.extensions["db"]() as s:
        room = s.get(Room, rooms["saal"])
        assert (changed["room_district"], changed["room_address"]) == (room.district, room.address)
    assert changed["room_district"]
