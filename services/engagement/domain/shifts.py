"""A dated shift with a number of places: sign-up while places are free, then the waiting list,
first come first served; a withdrawal moves the first waiting person up (returned, so that a
message can tell them). Volunteers change and withdraw by themselves only until the partner's
deadline before the start; the partner adds and removes people until the shift is over.

Shifts are half-open intervals [starts_at, ends_at) of aware datetimes. People are volunteer ids.
Refusals raise ShiftRefused with a code; the pages word it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from services.engagement.domain.opportunity import When
from services.engagement.domain.vocabulary import TIMES_OF_DAY, local_weekday, time_of_day

CAPACITY_MAX = 200  # a festival's helpers, not a stadium
MAX_DURATION = timedelta(hours=12)
MAX_AHEAD = timedelta(days=2 * 366)
DEADLINE_MAX = timedelta(days=14)
DEFAULT_DEADLINE = timedelta(hours=24)
CONFIRMED, WAITING = "confirmed", "waiting"


class ShiftRefused(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Shift:
    id: int
    opportunity_id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    deadline: timedelta = DEFAULT_DEADLINE  # self-service ends this long before the start
    confirmed: tuple[int, ...] = ()  # in order of sign-up
    waiting: tuple[int, ...] = ()  # first come first served

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - len(self.confirmed))

    @property
    def self_service_until(self) -> datetime:
        return self.starts_at - self.deadline

    def holds(self, person: int) -> bool:
        return person in self.confirmed or person in self.waiting

    def overlaps(self, other: Shift) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def shift_problems(
    starts_at: datetime, ends_at: datetime, capacity: int, deadline: timedelta, now: datetime
) -> dict[str, str]:
    """Field -> problem code for a new or changed shift; empty when acceptable."""
    found: dict[str, str] = {}
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        return {"starts_at": "naive_time"}
    if ends_at <= starts_at:
        found["ends_at"] = "ends_before_start"
    elif ends_at - starts_at > MAX_DURATION:
        found["ends_at"] = "too_long"
    if starts_at < now:
        found["starts_at"] = "in_past"
    elif starts_at > now + MAX_AHEAD:
        found["starts_at"] = "too_far_ahead"
    if not 1 <= capacity <= CAPACITY_MAX:
        found["capacity"] = "out_of_range"
    if not timedelta(0) <= deadline <= DEADLINE_MAX:
        found["deadline"] = "out_of_range"
    return found


def _open_for_self_service(shift: Shift, now: datetime) -> None:
    if now >= shift.self_service_until:
        raise ShiftRefused("deadline_passed")


def _not_over(shift: Shift, now: datetime) -> None:
    if now >= shift.ends_at:
        raise ShiftRefused("shift_over")


def sign_up(shift: Shift, person: int, now: datetime, *, by_partner: bool = False) -> tuple[Shift, str]:
    """The shift with `person` on it and where they landed (CONFIRMED or WAITING). A volunteer
    signs up by themselves until the deadline; the partner adds people until the shift is over
    (the same order: a free place, else the end of the waiting list)."""
    if shift.holds(person):
        raise ShiftRefused("already_signed_up")
    if by_partner:
        _not_over(shift, now)
    else:
        _open_for_self_service(shift, now)
    if shift.free_places:
        return replace(shift, confirmed=(*shift.confirmed, person)), CONFIRMED
    return replace(shift, waiting=(*shift.waiting, person)), WAITING


def withdraw(shift: Shift, person: int, now: datetime, *, by_partner: bool = False) -> tuple[Shift, int | None]:
    """The shift without `person`, and who moved up from the waiting list in their place (None
    when nobody did: they were waiting themselves, or nobody waits)."""
    if not shift.holds(person):
        raise ShiftRefused("not_signed_up")
    if by_partner:
        _not_over(shift, now)
    else:
        _open_for_self_service(shift, now)
    if person in shift.waiting:
        return replace(shift, waiting=tuple(p for p in shift.waiting if p != person)), None
    left = replace(shift, confirmed=tuple(p for p in shift.confirmed if p != person))
    moved = _fill(left)
    return moved[0], (moved[1][0] if moved[1] else None)


def change_capacity(shift: Shift, capacity: int, now: datetime) -> tuple[Shift, tuple[int, ...]]:
    """The partner changes the number of places: more places move waiting people up (returned);
    fewer than are confirmed is refused (the partner removes people first, and tells them)."""
    _not_over(shift, now)
    if not 1 <= capacity <= CAPACITY_MAX:
        raise ShiftRefused("out_of_range")
    if capacity < len(shift.confirmed):
        raise ShiftRefused("capacity_below_confirmed")
    return _fill(replace(shift, capacity=capacity))


def _fill(shift: Shift) -> tuple[Shift, tuple[int, ...]]:
    """Move waiting people up, first come first served, while places are free."""
    up = shift.waiting[: shift.free_places]
    return replace(shift, confirmed=(*shift.confirmed, *up), waiting=shift.waiting[len(up) :]), up


def overlap_hints(wanted: Shift, theirs: Iterable[Shift]) -> tuple[int, ...]:
    """Ids of the volunteer's other shifts that overlap the one they sign up for: a hint, not a
    refusal (two helpers' shifts at the same festival may well be meant)."""
    return tuple(s.id for s in theirs if s.id != wanted.id and s.overlaps(wanted))


def schedule_of(shifts: Iterable[Shift]) -> When:
    """A shift opportunity's weekdays and times of day, as the search and the interests see
    them: those of its shifts' local starts."""
    starts = [s.starts_at for s in shifts]
    weekdays = sorted({local_weekday(t) for t in starts})
    times = {time_of_day(t) for t in starts}
    return When(weekdays=tuple(weekdays), times_of_day=tuple(k for k in TIMES_OF_DAY if k in times))


def place_of(shift: Shift, person: int) -> tuple[str, int] | None:
    """Where the person stands, for their page: (CONFIRMED, 0) or (WAITING, their number from 1)."""
    if person in shift.confirmed:
        return CONFIRMED, 0
    if person in shift.waiting:
        return WAITING, shift.waiting.index(person) + 1
    return None


def roster(shift: Shift) -> list[tuple[int, str, int]]:
    """The rows of the printable roster and its CSV: (person, CONFIRMED or WAITING, number), the
    confirmed in the order they signed up, then the waiting list in its order."""
    return [(p, CONFIRMED, i) for i, p in enumerate(shift.confirmed, 1)] + [
        (p, WAITING, i) for i, p in enumerate(shift.waiting, 1)
    ]
