"""The account pages' rules, without a database: who may do what (a matrix of roles × actions),
new passwords, the states of a link, user names made from an address, browsers in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.accounts.domain import permissions as p
from services.accounts.domain.browsers import describe
from services.accounts.domain.links import CLOSED, EXPIRED, INVITE, OPEN, RESET, USED, VALID_FOR, state
from services.accounts.domain.passwords import MISMATCH, TOO_LONG, TOO_SHORT, password_problem
from services.accounts.domain.usernames import from_email, username_problem

OFFICE = p.Actor(1, p.COORDINATION, 10)
LENA = p.Actor(2, p.STAFF, 20)  # staff of partner 20
OPEN_POLICY, CLOSED_POLICY = p.Policy(staff_may_invite=True), p.Policy(staff_may_invite=False)
OWN, OTHER = 20, 30  # partners, seen from Lena


# action -> who -> allowed, with staff allowed to invite (the default)
def _actions(policy: p.Policy):
    return {
        "open invitations": lambda a: p.can_open_invitations(a, policy),
        "invite staff of own partner": lambda a: p.can_invite(a, p.STAFF, OWN, policy),
        "invite staff of another partner": lambda a: p.can_invite(a, p.STAFF, OTHER, policy),
        "invite a coordinator": lambda a: p.can_invite(a, p.COORDINATION, OWN, policy),
        "invite without partner": lambda a: p.can_invite(a, p.STAFF, None, policy),
        "invite an unknown role": lambda a: p.can_invite(a, "admin", OWN, policy),
        "list accounts": p.can_list_accounts,
        "close someone's account": lambda a: p.can_change_active(a, 99),
        "close one's own account": lambda a: p.can_change_active(a, a.account_id if a else 0),
        "send a reset link": p.can_send_reset,
    }


MATRIX = {  # action: (office, staff, nobody)
    "open invitations": (True, True, False),
    "invite staff of own partner": (True, True, False),
    "invite staff of another partner": (True, False, False),
    "invite a coordinator": (True, False, False),
    "invite without partner": (True, False, False),
    "invite an unknown role": (False, False, False),
    "list accounts": (True, False, False),
    "close someone's account": (True, False, False),
    "close one's own account": (False, False, False),
    "send a reset link": (True, False, False),
}
# with ACCOUNTS_STAFF_MAY_INVITE off, staff invite nobody; everything else stays
CLOSED_MATRIX = {
    **MATRIX,
    "open invitations": (True, False, False),
    "invite staff of own partner": (True, False, False),
}


@pytest.mark.parametrize(("policy", "matrix"), [(OPEN_POLICY, MATRIX), (CLOSED_POLICY, CLOSED_MATRIX)])
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(policy, matrix, action):
    rule = _actions(policy)[action]
    assert (rule(OFFICE), rule(LENA), rule(None)) == matrix[action]


@pytest.mark.parametrize(
    ("password", "repeated", "problem"),
    [
        ("kurz", "kurz", TOO_SHORT),
        ("elf-zeichen", "elf-zeichen", TOO_SHORT),
        ("zwoelf-zeich", "zwoelf-zeich", None),
        ("x" * 201, "x" * 201, TOO_LONG),
        ("drei-woerter-lang", "drei-woerter-lanG", MISMATCH),
        ("drei-woerter-lang", "drei-woerter-lang", None),
    ],
)
def test_a_new_password_is_long_enough_and_typed_twice_alike(password, repeated, problem):
    assert password_problem(password, repeated) == problem


NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_an_invitation_waits_three_days_and_a_reset_link_one_hour():
    assert VALID_FOR[INVITE] == timedelta(hours=72) and VALID_FOR[RESET] == timedelta(hours=1)


@pytest.mark.parametrize(
    ("expires_at", "used_at", "active", "expected"),
    [
        (NOW + timedelta(minutes=1), None, True, OPEN),
        (NOW, None, True, EXPIRED),  # half-open: at the moment of expiry it is over
        (NOW - timedelta(hours=1), None, True, EXPIRED),
        (NOW + timedelta(hours=1), NOW - timedelta(minutes=5), True, USED),
        (NOW - timedelta(hours=1), NOW - timedelta(hours=2), True, USED),  # used says more than expired
        (NOW + timedelta(hours=1), None, False, CLOSED),
    ],
)
def test_link_states(expires_at, used_at, active, expected):
    assert state(expires_at, used_at, active, NOW) == expected


def test_a_user_name_comes_from_the_address_and_stays_unique():
    taken = {"lena.mueller", "lena.mueller2"}
    assert from_email("Lena.Müller@example.org", lambda n: n in taken) == "lena.mueller3"
    assert from_email("jo@example.org", lambda n: False) == "konto"  # too short to be a name
    assert from_email("ÄÖ+tag@example.org", lambda n: False) == "aeoetag"
    assert username_problem(from_email("x" * 80 + "@example.org", lambda n: False)) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("lena", None),
        ("l.m-2_x", None),
        ("le", "too_short"),
        ("Lena", "characters"),
        (".lena", "characters"),
        ("lena müller", "characters"),
        ("x" * 61, "too_long"),
    ],
)
def test_chosen_user_names(name, problem):
    assert username_problem(name) == problem


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", ("Firefox", "Windows")),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15",
            ("Safari", "macOS"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
            ("Chrome", "Android"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
            ("Edge", "Windows"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile Safari/604.1",
            ("Safari", "iPhone"),
        ),
        ("curl/8.5", ("", "")),
        ("", ("", "")),
    ],
)
def test_browsers_in_words(agent, expected):
    assert describe(agent) == expected
