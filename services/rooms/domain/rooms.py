"""What a room offer must look like."""
from __future__ import annotations

EQUIPMENT = ("beamer", "leinwand", "kueche", "klavier", "matten", "musikanlage", "whiteboard",
             "tische", "stuehle", "wlan", "kinderecke", "werkbank", "spiegel", "flipchart")
MAX_CAPACITY = 2000


def room_problems(name: str, capacity: int, equipment: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    if not (name or "").strip():
        found["name"] = "name_missing"
    elif len(name.strip()) > 200:
        found["name"] = "name_too_long"
    if capacity < 0 or capacity > MAX_CAPACITY:
        found["capacity"] = "capacity_range"
    unknown = [key for key in equipment if key not in EQUIPMENT]
    if unknown:
        found["equipment"] = "equipment_unknown"
    return found
