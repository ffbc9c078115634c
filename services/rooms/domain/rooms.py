"""What a room offer must look like, and when a room may be retired."""

from __future__ import annotations

from shared.text import text_problem

# the accessibility facts a room states (each a yes/no column of the room)
ACCESS = ("step_free", "lift", "accessible_toilet", "hearing_loop")
MAX_CAPACITY = 2000
# free-text fields of a room: the longest each may be, and whether it may hold line breaks
TEXTS = {
    "name": (200, False),
    "district": (60, False),
    "address": (300, False),
    "floor": (60, False),
    "equipment_other": (300, False),
    "description": (5000, True),
    "house_rules": (5000, True),
}
ALT_MAX = 300
MAX_PHOTOS = 12


def room_problems(
    name: str,
    capacity: int,
    equipment: list[str],
    districts: tuple[str, ...] = (),
    equipment_keys: tuple[str, ...] = (),
    **texts: str,
) -> dict[str, str]:
    """Field -> problem code; `texts`: the room's other free-text fields (TEXTS); `districts`:
    the network's districts when the district must be one of them (administration), else any;
    `equipment_keys` likewise the shared vocabulary's equipment (retired terms too: a room may
    keep what it has)."""
    found: dict[str, str] = {}
    if not (name or "").strip():
        found["name"] = "name_missing"
    elif len(name.strip()) > TEXTS["name"][0]:
        found["name"] = "name_too_long"
    for field, value in {"name": name or "", **texts}.items():
        code = text_problem(value or "", *TEXTS[field])
        if code and field not in found:
            found[field] = code
    if districts and texts.get("district") and "district" not in found and texts["district"] not in districts:
        found["district"] = "district_unknown"
    if capacity < 0 or capacity > MAX_CAPACITY:
        found["capacity"] = "capacity_range"
    unknown = [key for key in equipment if key not in equipment_keys]
    if equipment_keys and unknown:
        found["equipment"] = "equipment_unknown"
    return found


def alt_problem(alt: str) -> str | None:
    """A photo must say what it shows: a screen reader reads this instead."""
    if not (alt or "").strip():
        return "alt_missing"
    return text_problem(alt, ALT_MAX)


def retire_problem(future_dates: int) -> str | None:
    """A room is retired only once nothing is booked in it any more: its owner cancels the coming
    dates (the bookers hear of it, with the reason) or lets them run out. Retiring does not
    cancel on the owner's behalf, so no booker loses a date without a person deciding it."""
    return "room_still_booked" if future_dates else None
