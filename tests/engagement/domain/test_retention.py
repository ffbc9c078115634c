from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, strategies as st

from services.engagement.domain.retention import DELETED, KEPT_ANONYMISED, Policy, Trace, due_on, is_due, plus_months

POLICY = Policy(months_after_last_commitment=24, months_after_application_closed=6, months_after_unconfirmed_expired=1)


def test_nothing_is_due_while_something_is_open():
    assert due_on(Trace(has_open=True, last_commitment_ended=date(2020, 1, 1)), POLICY) is None


def test_due_after_the_longest_period_that_applies():
    trace = Trace(has_open=False, last_commitment_ended=date(2025, 6, 30), last_application_closed=date(2026, 11, 2))
    assert due_on(trace, POLICY) == date(2027, 6, 30)
    assert not is_due(trace, POLICY, date(2027, 6, 29)) and is_due(trace, POLICY, date(2027, 6, 30))


def test_an_expired_unconfirmed_sign_up_goes_soon():
    assert due_on(Trace(has_open=False, unconfirmed_expired=date(2026, 12, 8)), POLICY) == date(2027, 1, 8)


def test_nothing_to_count_from_means_not_due():
    assert due_on(Trace(has_open=False), POLICY) is None


def test_months_end_on_the_months_last_day():
    assert plus_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert plus_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert plus_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_a_deletion_removes_what_names_the_person_and_keeps_only_counts():
    assert {"volunteer", "applications", "shift_places", "interests", "certificate_note"} <= set(DELETED)
    assert not set(DELETED) & set(KEPT_ANONYMISED)
    assert all(kept.startswith(("hours_", "applications_", "matches_")) for kept in KEPT_ANONYMISED)


def test_policy_bounds():
    assert Policy().problems() == {}
    assert Policy(months_after_last_commitment=-1).problems() == {"months_after_last_commitment": "out_of_range"}


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
months = st.integers(0, 120)


@given(days, months, months)
def test_plus_months_is_monotone_and_close(day, a, b):
    shifted = plus_months(day, a)
    assert shifted >= day
    if a <= b:
        assert shifted <= plus_months(day, b)
    assert (shifted.year * 12 + shifted.month) - (day.year * 12 + day.month) == a
    # the same day of the month, or the month's last day when it is shorter
    assert shifted.day == day.day or (shifted.day < day.day and (shifted + timedelta(days=1)).day == 1)


@given(st.none() | days, st.none() | days, st.none() | days, months, months, months)
def test_due_is_never_before_any_period_has_run_out(commitment, closed, unconfirmed, m1, m2, m3):
    policy = Policy(m1, m2, m3)
    trace = Trace(False, commitment, closed, unconfirmed)
    due = due_on(trace, policy)
    pairs = [(d, m) for d, m in ((commitment, m1), (closed, m2), (unconfirmed, m3)) if d is not None]
    assert (due is None) == (not pairs)
    for day, m in pairs:
        assert due is not None and due >= plus_months(day, m) >= day
    if due is not None:
        assert due in {plus_months(d, m) for d, m in pairs}
