"""Pure rules of the rooms service: no Flask, no SQLAlchemy."""

from shared.text import text_problem
from shared.typed import EARLIEST_DAY, LATEST_DAY, day_in_range

from services.rooms.domain.approval import needs_approval, state_for, status_after
from services.rooms.domain.conflicts import (
    BUSY,
    Conflict,
    Holding,
    collides,
    conflicts,
    conflicts_per_slot,
    first_conflict,
    visible_title,
)
from services.rooms.domain.recurrence import MAX_DATES, Recurrence, expand, local_days
from services.rooms.domain.rooms import ACCESS, alt_problem, retire_problem, room_problems
from services.rooms.domain.rules import WEEKDAYS, Closure, RoomRules, rules_problems, violations
from services.rooms.domain.slots import (
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    MAX_DURATION,
    TITLE_MAX,
    Slot,
    overlaps,
    problems,
)

__all__ = [
    "ACCESS",
    "BUSY",
    "CANCEL_REASON_MAX",
    "DESCRIPTION_MAX",
    "EARLIEST_DAY",
    "LATEST_DAY",
    "MAX_DATES",
    "MAX_DURATION",
    "TITLE_MAX",
    "WEEKDAYS",
    "Closure",
    "Conflict",
    "Holding",
    "Recurrence",
    "RoomRules",
    "Slot",
    "alt_problem",
    "collides",
    "conflicts",
    "conflicts_per_slot",
    "day_in_range",
    "expand",
    "first_conflict",
    "local_days",
    "needs_approval",
    "overlaps",
    "problems",
    "retire_problem",
    "room_problems",
    "rules_problems",
    "state_for",
    "status_after",
    "text_problem",
    "violations",
    "visible_title",
]
