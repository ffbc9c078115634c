"""Who may administer rooms, as a matrix of roles × actions (domain.permissions). Roles, for a
room of partner 1: its staff (owner), staff of partner 2 (other), the coordination office, an
account of no partner, and nobody logged in."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.rooms.domain import permissions


@dataclass(frozen=True)
class Who:
    partner_id: int | None
    is_coordination: bool = False


@dataclass(frozen=True)
class RoomOf:
    partner_id: int


ROOM = RoomOf(1)
ROLES = {
    "owner": Who(1),
    "other": Who(2),
    "coordination": Who(9, True),
    "no_partner": Who(None),
    "anonymous": None,
}
ACTIONS = {
    "create for own partner": lambda who: permissions.can_create_room(1, who),
    "create for another partner": lambda who: permissions.can_create_room(3, who),
    "choose the partner": permissions.can_offer_for_others,
    "edit": lambda who: permissions.can_update_room(ROOM, who),
    "retire": lambda who: permissions.can_retire_room(ROOM, who),
}
# role -> the actions it may take (the owner's "own partner" is partner 1)
ALLOWED = {
    "owner": {"create for own partner", "edit", "retire"},
    "other": set(),
    "coordination": set(ACTIONS),
    "no_partner": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_room_administration_matrix(role, action):
    assert ACTIONS[action](ROLES[role]) == (action in ALLOWED[role])


def test_other_staff_may_offer_rooms_of_their_own_partner():
    assert permissions.can_create_room(2, ROLES["other"])


def test_every_refused_action_has_words():
    assert {"create_room", "retire", "room"} <= set(permissions.REFUSAL)
