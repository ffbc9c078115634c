"""Pure rules of the rooms service: no Flask, no SQLAlchemy."""
from services.rooms.domain.conflicts import BUSY, Conflict, Holding, first_conflict, visible_title
from services.rooms.domain.slots import MAX_DURATION, TITLE_MAX, Slot, overlaps, problems

__all__ = ["BUSY", "Conflict", "Holding", "MAX_DURATION", "Slot", "TITLE_MAX", "first_conflict",
           "overlaps", "problems", "visible_title"]
from services.rooms.domain.rooms import EQUIPMENT, room_problems  # noqa: E402

__all__ += ["EQUIPMENT", "room_problems"]
