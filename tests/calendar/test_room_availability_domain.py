"""domain.room_availability: when a room cannot be booked beside its bookings (no database)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from services.calendar.domain.expand import BUSY, UNAVAILABLE
from services.calendar.domain.room_availability import Availability, unavailable


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def test_nothing_known_means_nothing_unavailable():
    busy = [(at("2026-03-03T10:00"), at("2026-03-03T12:00"), BUSY)]
    assert unavailable(Availability(), busy, at("2026-03-02T00:00"), at("2026-03-09T00:00")) == []


def test_buffers_merge_between_close_bookings_and_are_clipped():
    busy = [
        (at("2026-03-03T10:00"), at("2026-03-03T11:00"), BUSY),
        (at("2026-03-03T11:30"), at("2026-03-03T12:00"), BUSY),
    ]
    found = unavailable(Availability(buffer_minutes=30), busy, at("2026-03-03T09:45"), at("2026-03-03T12:15"))
    assert found == [
        (at("2026-03-03T09:45"), at("2026-03-03T10:00"), UNAVAILABLE),
        (at("2026-03-03T11:00"), at("2026-03-03T11:30"), UNAVAILABLE),  # the gap is both buffers
        (at("2026-03-03T12:00"), at("2026-03-03T12:15"), UNAVAILABLE),
    ]


def test_opening_hours_follow_local_time_across_daylight_saving():
    """Open Sundays and Mondays 9-17 in Berlin; summer time begins Sunday 29 March 2026."""
    rules = Availability(opening=(("so", time(9), time(17)), ("mo", time(9), time(17))))
    found = unavailable(rules, [], at("2026-03-28T23:00"), at("2026-03-30T22:00"))
    assert found == [
        (at("2026-03-28T23:00"), at("2026-03-29T07:00"), UNAVAILABLE),  # 9:00 CEST is 7:00 UTC
        (at("2026-03-29T15:00"), at("2026-03-30T07:00"), UNAVAILABLE),
        (at("2026-03-30T15:00"), at("2026-03-30T22:00"), UNAVAILABLE),
    ]


def test_closures_are_whole_local_days():
    rules = Availability(closures=((date(2026, 3, 4), date(2026, 3, 5)), (date(2027, 1, 1), date(2027, 1, 1))))
    found = unavailable(rules, [], at("2026-03-02T00:00"), at("2026-03-09T00:00"))
    assert found == [(at("2026-03-03T23:00"), at("2026-03-05T23:00"), UNAVAILABLE)]
