"""Fixtures for the rooms tests: rooms of two partners, logged-in clients, API credentials.
Helpers the tests import live in tests/support/rooms.py."""

from __future__ import annotations

import pytest

from shared.db import transaction

from services.rooms.booking.rooms import create_room

from tests.support.login import login
from tests.support.rooms import basic


@pytest.fixture
def rooms(rooms_app, people):
    """Großer Saal and Küche of lena's partner (MGH Lobeda), Clubraum of otto's (AWO Nord)."""
    made = {}
    with transaction(rooms_app.extensions["db"]) as s:
        for key, partner, name, capacity, equipment, step_free in (
            ("saal", "lena", "Großer Saal", 80, ["beamer", "musikanlage"], True),
            ("kueche", "lena", "Küche", 12, ["kueche"], True),
            ("club", "otto", "Clubraum", 35, ["klavier"], False),
        ):
            room = create_room(
                s,
                people[partner]["partner_id"],
                name=name,
                district="Lobeda",
                address="Karl-Marx-Allee 28",
                capacity=capacity,
                equipment=equipment,
                step_free=step_free,
            )
            made[key] = room.id
    return made


@pytest.fixture
def web(rooms_app, people):
    """A logged-in test client per username: web("lena")."""

    def make(username: str):
        client = rooms_app.test_client()
        login(client, username)
        return client

    return make


@pytest.fixture
def api_auth(people):
    return lambda username: basic(username, people[username]["app_password"])


@pytest.fixture
def approval_room(rooms_app, rooms, api_auth):
    """Lena's Großer Saal needs approval for other partners."""
    response = rooms_app.test_client().put(
        f"/api/rooms/rooms/{rooms['saal']}/rules", headers=api_auth("lena"), json={"approval_required": True}
    )
    assert response.status_code == 200, response.json
    return rooms["saal"]
