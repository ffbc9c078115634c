"""A room's week as a picture: days across, hours down, booked blocks shaded, closed time (a
closure, hours outside the opening hours) hatched, the wanted window outlined. Computed here as
plain numbers; the week_grid macro in templates/rooms/_macros.html draws the SVG and says the
same in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.rooms.db.week_terms import ClosedTerms
from services.rooms.domain import WEEKDAYS, Closure, Holding
from services.rooms.domain.rules import closed

FIRST_HOUR, LAST_HOUR = 7, 23  # the grid shows 07:00–23:00; earlier or later is clipped
COL, ROW, LEFT, TOP = 56, 18, 44, 22  # pixel sizes of a day column, an hour row and the margins


@dataclass
class Block:
    day: int  # 0 = Monday
    start: time
    end: time
    x: float = 0
    y: float = 0
    h: float = 0


@dataclass(frozen=True)
class DayTerms:
    """Whether a day is open: closed all day by a closure (with its reason) or for want of
    opening hours on that weekday, else its opening hours (None: no hours set, always open)."""

    closure: Closure | None = None
    shut: bool = False
    opening: tuple[time, time] | None = None

    @property
    def closed_all_day(self) -> bool:
        return self.closure is not None or self.shut


@dataclass
class Week:
    monday: date
    busy: list[Block] = field(default_factory=list)
    wanted: Block | None = None
    terms: list[DayTerms] = field(default_factory=lambda: [DayTerms()] * 7)
    closed: list[Block] = field(default_factory=list)  # closed time, drawn hatched

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def hours(self) -> list[int]:
        return list(range(FIRST_HOUR, LAST_HOUR + 1))

    width = LEFT + 7 * COL + 4
    height = TOP + (LAST_HOUR - FIRST_HOUR) * ROW + 4
    col, row, left, top = COL, ROW, LEFT, TOP

    def busy_on(self, i: int) -> list[Block]:
        return [b for b in self.busy if b.day == i]


def _y(t: time) -> float:
    hours = min(max(t.hour + t.minute / 60, FIRST_HOUR), LAST_HOUR)
    return TOP + (hours - FIRST_HOUR) * ROW


def _place(block: Block) -> Block:
    block.x = LEFT + block.day * COL
    block.y = _y(block.start)
    block.h = max(_y(block.end) - block.y, 2)
    return block


def day_terms(day: date, terms: ClosedTerms) -> DayTerms:
    """The first closure covering the day (its reason is shown), else the day's opening hours."""
    closure = next((c for c in terms.closures if closed(c, day, day)), None)
    opening = terms.rules.opening
    hours = opening.get(WEEKDAYS[day.weekday()])
    return DayTerms(closure, bool(opening) and hours is None, hours)


def _closed_blocks(i: int, terms: DayTerms) -> list[Block]:
    """The closed time of day i within the grid's hours: all of it, or before and after the opening hours."""
    first, last = time(FIRST_HOUR), time(LAST_HOUR)
    if terms.closed_all_day:
        return [_place(Block(i, first, last))]
    if terms.opening is None:
        return []
    opens, closes = terms.opening
    return [_place(Block(i, a, b)) for a, b in ((first, opens), (closes, last)) if a < b]


def week(
    monday: date,
    held: list[Holding],
    tz: ZoneInfo,
    wanted: tuple[date, time, time] | None = None,
    terms: ClosedTerms | None = None,
) -> Week:
    """The week from `monday`, with every holding cut into its local days and, given the room's
    terms, the time it is closed."""
    result = Week(monday)
    if terms is not None:
        result.terms = [day_terms(day, terms) for day in result.days]
        result.closed = [b for i, t in enumerate(result.terms) for b in _closed_blocks(i, t)]
    start = datetime.combine(monday, time(0), tzinfo=tz)
    for h in held:
        a, b = max(h.starts_at.astimezone(tz), start), h.ends_at.astimezone(tz)
        while a < b and (a.date() - monday).days < 7:
            midnight = datetime.combine(a.date() + timedelta(days=1), time(0), tzinfo=tz)
            piece_end = min(b, midnight)
            end_time = piece_end.time() if piece_end < midnight else time(23, 59)
            result.busy.append(_place(Block((a.date() - monday).days, a.time(), end_time)))
            a = piece_end
    if wanted and 0 <= (wanted[0] - monday).days < 7:
        result.wanted = _place(Block((wanted[0] - monday).days, wanted[1], wanted[2]))
    return result


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
