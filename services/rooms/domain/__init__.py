"""Pure rules of the rooms service: no Flask, no SQLAlchemy."""
from services.rooms.domain.conflicts import (BUSY, Conflict, Holding, collides, conflicts, conflicts_per_slot,
                                             first_conflict, visible_title)
from services.rooms.domain.recurrence import MAX_DATES, Recurrence, expand, local_days
from services.rooms.domain.rooms import EQUIPMENT, room_problems
from services.rooms.domain.rules import WEEKDAYS, Closure, RoomRules, rules_problems, violations
from services.rooms.domain.slots import MAX_DURATION, TITLE_MAX, Slot, overlaps, problems

__all__ = ["BUSY", "Closure", "Conflict", "EQUIPMENT", "Holding", "MAX_DATES", "MAX_DURATION", "Recurrence",
           "RoomRules", "Slot", "TITLE_MAX", "WEEKDAYS", "collides", "conflicts", "conflicts_per_slot", "expand", "first_conflict",
           "local_days", "overlaps", "problems", "room_problems", "rules_problems", "violations",
           "visible_title"]
