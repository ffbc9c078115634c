"""The room exchange's figures for its funders: how much each room was used, month by month, and
how much of that by other partners than its own house (the point of a room exchange). Plain
values the store fills (db/figures.py) and the pages and the CSV show. Pure: no Flask, no SQL.

A date counts in the month it starts (dates, cancellations); its minutes count in the months it
lies in (local time), so a booking over midnight at a month's end is split. Decisions on
requests count in the month they were taken; a request partly approved and partly declined
counts as both. A room without opening hours is open all day (domain/rules.RoomRules)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import time, timedelta
from typing import TypeVar

from shared.periods import Month, Period

from services.rooms.domain.rules import WEEKDAYS, Closure

DAY_MINUTES = 24 * 60
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Use:
    booked_minutes: int = 0  # dates that hold the room
    other_minutes: int = 0  # of those, booked by another partner than the room's own
    dates: int = 0
    other_dates: int = 0
    cancelled: int = 0  # dates cancelled, by either side
    approved: int = 0  # requests approved (wholly or partly) by the room's owner
    declined: int = 0  # requests declined (wholly or partly)
    open_minutes: int = 0  # opening hours, closed days left out

    def __add__(self, other: Use) -> Use:
        return Use(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def share(self) -> float | None:
        """Booked time as a share of the opening hours; None when the room was closed throughout."""
        return self.booked_minutes / self.open_minutes if self.open_minutes else None


@dataclass(frozen=True)
class RoomInfo:
    id: int
    name: str
    partner_id: int


@dataclass(frozen=True)
class RoomMonth:
    room: RoomInfo
    month: Month
    use: Use


@dataclass(frozen=True)
class RoomFigures:
    period: Period
    rows: tuple[RoomMonth, ...]  # every room and month of the period, by room then month

    def total(self) -> Use:
        return sum((r.use for r in self.rows), Use())

    def by_month(self) -> list[tuple[Month, Use]]:
        found = _summed(self.rows, lambda r: r.month)
        return [(m, found.get(m, Use())) for m in self.period.months()]

    def by_room(self) -> list[tuple[RoomInfo, Use]]:
        return list(_summed(self.rows, lambda r: r.room).items())

    def by_partner(self) -> list[tuple[int, Use]]:
        return list(_summed(self.rows, lambda r: r.room.partner_id).items())


def _summed(rows: Sequence[RoomMonth], key: Callable[[RoomMonth], K]) -> dict[K, Use]:
    found: dict[K, Use] = {}
    for row in rows:
        found[key(row)] = found.get(key(row), Use()) + row.use
    return found


def open_minutes(opening: Mapping[str, tuple[time, time]], closures: Sequence[Closure], month: Month) -> int:
    """Minutes the room is open in the month: its opening hours on each day no closure covers
    (wall-clock times: a day of 08:00–20:00 is twelve hours on a day the clocks change too)."""
    total, day = 0, month.first_day
    while day.month == month.month:
        if not any(c.first_day <= day <= c.last_day for c in closures):
            total += _open_on(opening, WEEKDAYS[day.weekday()])
        day += timedelta(days=1)
    return total


def _open_on(opening: Mapping[str, tuple[time, time]], weekday: str) -> int:
    if not opening:
        return DAY_MINUTES
    if weekday not in opening:
        return 0
    opens, closes = opening[weekday]
    return (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
