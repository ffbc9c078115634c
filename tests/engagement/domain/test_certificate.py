from __future__ import annotations

from dataclasses import fields
from datetime import date

from services.engagement.domain.certificate import (
    EXPIRED,
    MISSING,
    RENEW_SOON_STATUS,
    VALID,
    CertificateSeen,
    placement_problem,
    record_problems,
    status,
    valid_until,
)

SEEN = CertificateSeen(volunteer_id=21, seen_on=date(2022, 3, 15), seen_by="Jana Krüger")


def test_only_seen_on_and_by_whom_is_kept():
    assert {f.name for f in fields(CertificateSeen)} == {"volunteer_id", "seen_on", "seen_by"}


def test_it_needs_renewing_after_five_years_or_as_configured():
    assert valid_until(SEEN.seen_on) == date(2027, 3, 15)
    assert valid_until(SEEN.seen_on, validity_years=3) == date(2025, 3, 15)
    assert valid_until(date(2024, 2, 29)) == date(2029, 3, 1)
    assert status(SEEN, date(2026, 12, 1)) == VALID
    assert status(SEEN, date(2026, 12, 15)) == RENEW_SOON_STATUS  # 90 days before
    assert status(SEEN, date(2027, 3, 15)) == EXPIRED
    assert status(None, date(2026, 12, 1)) == MISSING


def test_placement_needs_a_valid_note_only_where_required():
    assert placement_problem(False, None, date(2026, 12, 1)) is None
    assert placement_problem(True, None, date(2026, 12, 1)) == "certificate_missing"
    assert placement_problem(True, SEEN, date(2026, 12, 1)) is None
    assert placement_problem(True, SEEN, date(2027, 3, 15)) == "certificate_expired"  # a shift's day counts


def test_a_record_is_not_dated_ahead_nor_already_expired():
    today = date(2026, 12, 6)
    assert record_problems(date(2026, 12, 6), "Jana Krüger", today) == {}
    assert record_problems(date(2026, 12, 7), " ", today) == {"seen_on": "in_future", "seen_by": "missing"}
    assert record_problems(date(2021, 12, 6), "Jana Krüger", today) == {"seen_on": "too_old"}
