"""What a room offer must look like."""

from __future__ import annotations

from shared.text import text_problem

EQUIPMENT = (
    "beamer",
    "leinwand",
    "kueche",
    "klavier",
    "matten",
    "musikanlage",
    "whiteboard",
    "tische",
    "stuehle",
    "wlan",
    "kinderecke",
    "werkbank",
    "spiegel",
    "flipchart",
)
MAX_CAPACITY = 2000
# free-text fields of a room: the longest each may be, and whether it may hold line breaks
TEXTS = {"name": (200, False), "district": (60, False), "address": (300, False), "description": (5000, True)}


def room_problems(name: str, capacity: int, equipment: list[str], **texts: str) -> dict[str, str]:
    """Field -> problem code; `texts`: the room's other free-text fields (district, address, description)."""
    found: dict[str, str] = {}
    if not (name or "").strip():
        found["name"] = "name_missing"
    elif len(name.strip()) > TEXTS["name"][0]:
        found["name"] = "name_too_long"
    for field, value in {"name": name or "", **texts}.items():
        code = text_problem(value or "", *TEXTS[field])
        if code and field not in found:
            found[field] = code
    if capacity < 0 or capacity > MAX_CAPACITY:
        found["capacity"] = "capacity_range"
    unknown = [key for key in equipment if key not in EQUIPMENT]
    if unknown:
        found["equipment"] = "equipment_unknown"
    return found
