"""The account pages' rules, without a database: who may do what (a matrix of roles × actions),
new passwords, the states of a link, user names made from an address, browsers in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.accounts.domain import permissions as p
from services.accounts.domain.browsers import describe
from services.accounts.domain.guards import Member, account_changed, leaves_no_coordinator, partner_changed
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
        "open the administration": p.can_administer,
        "change someone's role": lambda a: p.can_change_role(a, 99),
        "change one's own role": lambda a: p.can_change_role(a, a.account_id if a else 0),
        "change someone's partner": p.can_change_partner,
        "resend an invitation": p.can_resend_invitation,
        "manage partners": p.can_manage_partners,
        "read the audit log": p.can_read_audit,
        "remove someone's second factor": lambda a: p.can_remove_second_factor(a, 99),
        "remove one's own second factor here": lambda a: p.can_remove_second_factor(a, a.account_id if a else 0),
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
    "open the administration": (True, False, False),
    "change someone's role": (True, False, False),
    "change one's own role": (False, False, False),
    "change someone's partner": (True, False, False),
    "resend an invitation": (True, False, False),
    "manage partners": (True, False, False),
    "read the audit log": (True, False, False),
    "remove someone's second factor": (True, False, False),
    "remove one's own second factor here": (False, False, False),
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


KORA = Member(1, p.COORDINATION, True, 10)
KIM = Member(2, p.COORDINATION, True, 11)
LENA_M = Member(3, p.STAFF, True, 20)


@pytest.mark.parametrize(
    ("before", "changed", "refused"),
    [
        ([KORA, KIM], Member(2, p.STAFF, True, 11), False),  # Kora stays
        ([KORA], Member(1, p.STAFF, True, 10), True),  # demoting the last one
        ([KORA], Member(1, p.COORDINATION, False, 10), True),  # closing the last one
        ([KORA], Member(1, p.COORDINATION, True, 12, partner_active=False), True),  # moving it to a closed partner
        ([KORA, Member(2, p.COORDINATION, False, 11)], Member(1, p.STAFF, True, 10), True),  # Kim cannot log in
        ([KORA, LENA_M], Member(3, p.COORDINATION, True, 20), False),  # promoting is always fine
        ([Member(1, p.COORDINATION, False, 10)], Member(1, p.STAFF, False, 10), False),  # nobody governed before
    ],
)
def test_the_office_keeps_a_coordinator_who_can_log_in(before, changed, refused):
    assert leaves_no_coordinator(before, account_changed(before, changed)) is refused


def test_deactivating_the_partner_of_the_last_coordinator_is_refused():
    assert leaves_no_coordinator([KORA], partner_changed([KORA], 10, False))
    assert not leaves_no_coordinator([KORA, KIM], partner_changed([KORA, KIM], 10, False))
    assert not leaves_no_coordinator([KORA, LENA_M], partner_changed([KORA, LENA_M], 20, False))
