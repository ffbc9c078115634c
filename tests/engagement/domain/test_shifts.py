from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, strategies as st

from services.engagement.domain.shifts import (
    CONFIRMED,
    WAITING,
    Shift,
    ShiftRefused,
    change_capacity,
    overlap_hints,
    place_of,
    roster,
    schedule_of,
    shift_problems,
    sign_up,
    withdraw,
)

from tests.engagement.domain.support import local

START = local(2026, 12, 12, 14)  # Saturday afternoon: helpers for the winter festival in Winzerla
NOW = local(2026, 12, 6, 10)


def festival(capacity=2, **kw) -> Shift:
    return Shift(id=1, opportunity_id=7, starts_at=START, ends_at=START + timedelta(hours=3), capacity=capacity, **kw)


def test_sign_up_while_places_are_free_then_the_waiting_list():
    shift, anna = sign_up(festival(), 11, NOW)
    shift, ben = sign_up(shift, 12, NOW)
    shift, cem = sign_up(shift, 13, NOW)
    assert (anna, ben, cem) == (CONFIRMED, CONFIRMED, WAITING)
    assert shift.confirmed == (11, 12) and shift.waiting == (13,)


def test_a_withdrawal_moves_the_first_waiting_person_up_and_says_who():
    shift = festival(confirmed=(11, 12), waiting=(13, 14))
    shift, up = withdraw(shift, 11, NOW)
    assert up == 13 and shift.confirmed == (12, 13) and shift.waiting == (14,)


def test_leaving_the_waiting_list_moves_nobody_up():
    shift, up = withdraw(festival(confirmed=(11, 12), waiting=(13, 14)), 14, NOW)
    assert up is None and shift.waiting == (13,)


def test_nobody_signs_up_twice():
    with pytest.raises(ShiftRefused) as refused:
        sign_up(festival(confirmed=(11,)), 11, NOW)
    assert refused.value.code == "already_signed_up"


def test_self_service_ends_at_the_partners_deadline():
    shift = festival(confirmed=(11,), deadline=timedelta(hours=24))
    just_before, at_deadline = START - timedelta(hours=24, minutes=1), START - timedelta(hours=24)
    assert withdraw(shift, 11, just_before)[0].confirmed == ()
    for act in (lambda: withdraw(shift, 11, at_deadline), lambda: sign_up(shift, 12, at_deadline)):
        with pytest.raises(ShiftRefused) as refused:
            act()
        assert refused.value.code == "deadline_passed"


def test_the_partner_still_adds_and_removes_after_the_deadline_until_the_end():
    shift = festival(confirmed=(11, 12), waiting=(13,))
    late = START + timedelta(minutes=30)
    shift, up = withdraw(shift, 11, late, by_partner=True)
    assert up == 13
    shift, where = sign_up(shift, 14, late, by_partner=True)
    assert where == WAITING
    with pytest.raises(ShiftRefused) as refused:
        sign_up(shift, 15, START + timedelta(hours=3), by_partner=True)
    assert refused.value.code == "shift_over"


def test_more_places_move_waiting_people_up_fewer_than_confirmed_are_refused():
    shift, up = change_capacity(festival(confirmed=(11, 12), waiting=(13, 14, 15)), 4, NOW)
    assert up == (13, 14) and shift.waiting == (15,)
    with pytest.raises(ShiftRefused) as refused:
        change_capacity(shift, 3, NOW)
    assert refused.value.code == "capacity_below_confirmed"


def test_overlap_hints_name_the_other_shifts_that_overlap_half_open():
    wanted = festival()
    touching = Shift(2, 7, START + timedelta(hours=3), START + timedelta(hours=5), 2)
    overlapping = Shift(3, 8, START - timedelta(hours=1), START + timedelta(minutes=1), 2)
    assert overlap_hints(wanted, [wanted, touching, overlapping]) == (3,)


def test_a_shift_opportunitys_schedule_comes_from_its_shifts():
    evening = Shift(2, 7, local(2026, 12, 14, 18), local(2026, 12, 14, 21), 4)
    when = schedule_of([festival(), evening])
    assert when.weekdays == (0, 5) and when.times_of_day == ("afternoon", "evening")


@pytest.mark.parametrize(
    "starts, hours, capacity, field, code",
    [
        (NOW - timedelta(hours=1), 2, 2, "starts_at", "in_past"),
        (START, 0, 2, "ends_at", "ends_before_start"),
        (START, 13, 2, "ends_at", "too_long"),
        (START, 2, 0, "capacity", "out_of_range"),
        (START, 2, 201, "capacity", "out_of_range"),
        (NOW + timedelta(days=800), 2, 2, "starts_at", "too_far_ahead"),
    ],
)
def test_shift_problems(starts, hours, capacity, field, code):
    found = shift_problems(starts, starts + timedelta(hours=hours), capacity, timedelta(hours=24), NOW)
    assert found[field] == code


def test_shift_problems_none_for_a_good_shift_and_a_deadline_bound():
    assert shift_problems(START, START + timedelta(hours=3), 8, timedelta(hours=24), NOW) == {}
    assert shift_problems(START, START + timedelta(hours=3), 8, timedelta(days=15), NOW) == {"deadline": "out_of_range"}


def test_a_volunteer_sees_their_place_and_the_roster_lists_everyone_in_order():
    shift = festival(confirmed=(11, 12), waiting=(13, 14))
    assert place_of(shift, 12) == (CONFIRMED, 0) and place_of(shift, 14) == (WAITING, 2) and place_of(shift, 99) is None
    assert roster(shift) == [(11, CONFIRMED, 1), (12, CONFIRMED, 2), (13, WAITING, 1), (14, WAITING, 2)]


# --- properties: any sequence of sign-ups and withdrawals --------------------------------------
operations = st.lists(
    st.tuples(st.sampled_from(("sign_up", "withdraw")), st.integers(1, 12), st.booleans()), max_size=60
)


@given(st.integers(1, 6), operations)
def test_a_shift_keeps_its_promises(capacity, ops):
    shift = festival(capacity=capacity)
    arrivals: list[int] = []  # the order people signed up in, the model of first come first served
    for op, person, by_partner in ops:
        before = shift
        try:
            if op == "sign_up":
                shift, where = sign_up(shift, person, NOW, by_partner=by_partner)
                arrivals.append(person)
                assert where == (CONFIRMED if len(before.confirmed) < capacity else WAITING)
            else:
                shift, up = withdraw(shift, person, NOW, by_partner=by_partner)
                arrivals.remove(person)
                if person in before.confirmed and before.waiting:
                    assert up == before.waiting[0]  # exactly the first waiting person
                    assert shift.waiting == before.waiting[1:]
                else:
                    assert up is None
        except ShiftRefused as refused:
            assert refused.code == ("already_signed_up" if op == "sign_up" else "not_signed_up")
            assert shift == before
        people = shift.confirmed + shift.waiting
        assert len(shift.confirmed) <= capacity
        assert len(people) == len(set(people))  # no person twice
        assert not shift.waiting or len(shift.confirmed) == capacity  # nobody waits for a free place
        # the waiting list keeps the order of arrival
        assert list(shift.waiting) == [p for p in arrivals if p in shift.waiting]
        assert sorted(people) == sorted(arrivals)
