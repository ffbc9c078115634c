"""Who may do what in the engagement exchange, as a matrix: every role × every action, asked of
services/engagement/domain/permissions.py through `can` with real principals and signed-link
holders, for one opportunity of the Mehrgenerationenhaus Lobeda and its volunteer Maria (21).
The table below is written out by hand: it says what the rules must come to for people."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.engagement.domain.permissions import (
    ACTIONS,
    COORDINATION,
    OTHER,
    OWNER,
    PUBLIC,
    REFUSAL,
    ROLES,
    VOLUNTEER,
    allowed,
    can,
    role_of,
)

MGH_LOBEDA, AWO_NORD, OFFICE_PARTNER, MARIA, KARL = 1, 5, 10, 21, 22


@dataclass(frozen=True)
class Principal:
    partner_id: int | None
    is_coordination: bool = False


# role -> (who, the volunteer the signed link was made for)
ASKING = {
    COORDINATION: (Principal(OFFICE_PARTNER, is_coordination=True), None),
    OWNER: (Principal(MGH_LOBEDA), None),
    OTHER: (Principal(AWO_NORD), None),
    VOLUNTEER: (None, MARIA),
    PUBLIC: (None, None),
}

C, O, X, V, P = COORDINATION, OWNER, OTHER, VOLUNTEER, PUBLIC
EXPECTED = {
    "view_published": {C, O, X, V, P},
    "apply": {C, O, X, V, P},
    "manage_opportunity": {C, O},
    "review_opportunity": {C},
    "view_applications": {C, O},
    "decide_application": {C, O},
    "see_volunteer_contact": {C, O},
    "see_suggestions": {C, O},
    "manage_shift_people": {C, O},
    "message_shift": {C, O},
    "export_roster": {C, O},
    "record_hours": {C, O},
    "record_certificate": {C, O},
    "manage_sponsorship": {C, O},
    "see_sponsorship_notes": {C, O},
    "see_figures": {C},
    "view_own_commitments": {V},
    "change_own_commitments": {V},
    "request_deletion": {V},
}


def test_the_table_names_every_action():
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("role, action", [pytest.param(r, a, id=f"{a}-{r}") for a in EXPECTED for r in ROLES])
def test_cell(role, action):
    who, link = ASKING[role]
    assert role_of(who, MGH_LOBEDA, link, MARIA) == role
    assert can(action, who, MGH_LOBEDA, link, MARIA) == (role in EXPECTED[action])


VOLUNTEER_ACTIONS = [a for a in EXPECTED if a not in ("view_published", "apply", "review_opportunity")]


@pytest.mark.parametrize("action", VOLUNTEER_ACTIONS)
def test_partners_never_see_each_others_volunteers(action):
    lobeda, nord = Principal(MGH_LOBEDA), Principal(AWO_NORD)
    assert not can(action, nord, MGH_LOBEDA, None, MARIA)
    assert not can(action, lobeda, AWO_NORD, None, MARIA)


@pytest.mark.parametrize("action", ["view_own_commitments", "change_own_commitments", "request_deletion"])
def test_a_link_counts_only_for_its_own_volunteer(action):
    assert can(action, None, MGH_LOBEDA, MARIA, MARIA)
    assert not can(action, None, MGH_LOBEDA, KARL, MARIA)  # Karl's link opens nothing of Maria's
    assert role_of(None, MGH_LOBEDA, KARL, MARIA) == PUBLIC
    assert role_of(Principal(AWO_NORD), MGH_LOBEDA, KARL, MARIA) == OTHER


def test_staff_acting_for_their_partner_come_before_a_link_they_hold():
    assert role_of(Principal(MGH_LOBEDA), MGH_LOBEDA, MARIA, MARIA) == OWNER


def test_an_account_without_a_partner_is_the_public():
    assert role_of(Principal(None), MGH_LOBEDA) == PUBLIC


def test_unknown_actions_and_roles_are_refused():
    assert not allowed("delete_everything", COORDINATION)
    assert not allowed("view_published", "admin")


def test_every_action_has_a_refusal_code():
    assert REFUSAL["see_figures"] == "not_coordination"
    assert REFUSAL["request_deletion"] == "link_needed"
    assert REFUSAL["export_roster"] == "not_yours"
    assert set(REFUSAL) == set(ACTIONS)
