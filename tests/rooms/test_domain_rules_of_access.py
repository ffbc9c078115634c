"""Pure rules behind approval, permissions and free text (services/rooms/domain): fast, no database."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from hypothesis import given, strategies as st

from services.rooms.domain import RoomRules, Slot, needs_approval, permissions, state_for, status_after, text_problem


@dataclass(frozen=True)
class Who:
    partner_id: int | None
    is_coordination: bool = False


@dataclass(frozen=True)
class Sides:
    booker_partner_id: int
    owner_partner_id: int


OWNER, BOOKER, THIRD, COORD = Who(1), Who(2), Who(3), Who(9, True)
BOOKING = Sides(booker_partner_id=2, owner_partner_id=1)


def _slot(h1, h2):
    return Slot(datetime(2030, 1, 7, h1, tzinfo=timezone.utc), datetime(2030, 1, 7, h2, tzinfo=timezone.utc))


def test_approval_is_asked_unless_the_owner_books_or_acts():
    rules = RoomRules(approval_required=True)
    assert needs_approval(rules, 1, 2, 2)  # another partner books
    assert needs_approval(rules, 1, 2, 9)  # the coordination office acts for it
    assert not needs_approval(rules, 1, 1, 1)  # the owner's own booking
    assert not needs_approval(rules, 1, 2, 1)  # the owner's staff act
    assert not needs_approval(RoomRules(), 1, 2, 2)


def test_an_approved_date_keeps_its_yes_only_inside_the_approved_time():
    approved = _slot(10, 12)
    assert state_for(_slot(10, 11), approved, asks=True) == "valid"
    assert state_for(_slot(9, 11), approved, asks=True) == "pending"
    assert state_for(_slot(10, 13), approved, asks=True) == "pending"
    assert state_for(_slot(10, 11), None, asks=True) == "pending"
    assert state_for(_slot(8, 20), approved, asks=False) == "valid"


def test_status_follows_the_dates():
    assert status_after(["valid", "pending"], "confirmed") == "requested"
    assert status_after(["valid", "declined"], "declined") == "confirmed"
    assert status_after(["declined", "cancelled"], "declined") == "declined"
    assert status_after(["cancelled", "skipped"], "cancelled") == "cancelled"


def test_permissions_per_side():
    assert [permissions.can_decide(BOOKING, w) for w in (OWNER, BOOKER, THIRD, COORD, None)] == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert [permissions.can_change(BOOKING, w) for w in (OWNER, BOOKER, THIRD, COORD, None)] == [
        False,
        True,
        False,
        True,
        False,
    ]
    assert [permissions.can_cancel(BOOKING, w) for w in (OWNER, BOOKER, THIRD, COORD, None)] == [
        True,
        True,
        False,
        True,
        False,
    ]
    assert [permissions.can_book(Sides(2, 1), w) for w in (Who(None), None, THIRD)] == [False, False, True]
    by_owner = [permissions.can_restore(BOOKING, "owner", w) for w in (OWNER, BOOKER, THIRD, COORD)]
    by_booker = [permissions.can_restore(BOOKING, "booker", w) for w in (OWNER, BOOKER, THIRD, COORD)]
    skipped = [permissions.can_restore(BOOKING, None, w) for w in (OWNER, BOOKER, THIRD, COORD)]
    assert (by_owner, by_booker, skipped) == (
        [True, False, False, True],
        [False, True, False, True],
        [False, True, False, True],
    )
    assert permissions.side(Sides(1, 1), OWNER) == permissions.BOOKER  # the owner's own booking: its booker side


FORBIDDEN = st.characters(categories=["Cc", "Cs"]) | st.sampled_from(["\ufffe", "\uffff"])


@given(st.text(max_size=40), FORBIDDEN, st.text(max_size=40))
def test_text_with_any_control_character_is_refused(before, bad, after):
    multiline_ok = bad in "\n\r\t"
    assert text_problem(before + bad + after, 1000) == "text_control"
    assert (text_problem(before + bad + after, 1000, multiline=True) is None) == (
        multiline_ok and text_problem(before + after, 1000, multiline=True) is None
    )


@given(st.text(st.characters(exclude_categories=["Cc", "Cs"], exclude_characters="\ufffe\uffff"), max_size=200))
def test_printable_text_within_the_limit_is_taken(text):
    assert text_problem(text, 200) is None
    assert all(unicodedata.category(ch) not in ("Cc", "Cs") for ch in text)
