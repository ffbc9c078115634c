"""Fixtures for the rooms tests: rooms of two partners, logged-in clients, API credentials."""
from __future__ import annotations

import base64
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.conftest import login

BERLIN = ZoneInfo("Europe/Berlin")


def next_week() -> date:
    return (datetime.now(BERLIN) + timedelta(days=7)).date()


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=BERLIN)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def basic(username: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


def count(app, model, *where) -> int:
    with app.extensions["db"]() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def rooms(rooms_app, people):
    """Großer Saal and Küche of lena's partner (MGH Lobeda), Clubraum of otto's (AWO Nord)."""
    from services.rooms.booking import rooms as operations

    made = {}
    with rooms_app.extensions["db"]() as s:
        for key, partner, name, capacity, equipment, step_free in (
            ("saal", "lena", "Großer Saal", 80, ["beamer", "musikanlage"], True),
            ("kueche", "lena", "Küche", 12, ["kueche"], True),
            ("club", "otto", "Clubraum", 35, ["klavier"], False),
        ):
            room = operations.create_room(s, people[partner]["partner_id"], name=name, district="Lobeda",
                                          address="Karl-Marx-Allee 28", capacity=capacity,
                                          equipment=equipment, step_free=step_free)
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


def post_booking_form(client, room_id: int, **fields):
    page = client.get(f"/rooms/{room_id}")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), **fields}
    return client.post(f"/rooms/{room_id}", data=data)
