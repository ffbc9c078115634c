"""Demo rooms: about twenty rooms of the Jena partners, loaded twice without duplicates."""

from shared.identity import demo as identity_demo

from services.rooms import demo
from services.rooms.db.models import OutboxMessage, Room

from tests.support.rooms import count


def test_demo_rooms_are_idempotent_and_announced(rooms_app, identity):
    identity_demo.load(identity)
    created = demo.load(rooms_app)
    assert 18 <= created <= 25
    assert demo.load(rooms_app) == 0
    assert count(rooms_app, Room) == created
    assert count(rooms_app, OutboxMessage, OutboxMessage.task_name == "calendar.room_changed") == created
    owners = {p["id"] for p in identity.partners() if p["slug"] != "koordination"}
    with rooms_app.extensions["db"]() as s:
        assert {r.partner_id for r in s.query(Room)} == owners
        assert any("Großer Saal" == r.name for r in s.query(Room))
