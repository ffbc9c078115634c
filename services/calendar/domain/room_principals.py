"""Rooms as calendar users (RFC 6638 calendar-user-type ROOM): their addresses, what their
principal says about them, and how principal-property-search (RFC 3744 §9.4) matches them."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.calendar.domain.room_availability import Availability

ADDRESS_PREFIX = "raum-"


@dataclass(frozen=True)
class Room:
    """A bookable room as the calendar knows it (its calendar plus calendar.room_changed's facts)."""

    room_id: int
    name: str
    district: str = ""
    place: str = ""  # address and floor, as the room's calendar describes it
    capacity: int = 0  # 0: not known
    availability: Availability = field(default_factory=Availability)  # buffer, opening hours, closures


def address(room_id: int, domain: str) -> str:
    return f"mailto:{ADDRESS_PREFIX}{room_id}@{domain}"


def room_id_of(calendar_address: str, domain: str) -> int | None:
    """The room a calendar address names (case does not matter in mail addresses), else None."""
    value = calendar_address.strip().lower()
    value = value.removeprefix("mailto:")
    local, _, host = value.partition("@")
    if host != domain.lower() or not local.startswith(ADDRESS_PREFIX):
        return None
    digits = local[len(ADDRESS_PREFIX) :]
    return int(digits) if digits.isdigit() and len(digits) <= 9 else None


def description(room: Room) -> str:
    """One line for people: where the room is and how many it holds."""
    parts = [room.district, f"bis {room.capacity} Personen" if room.capacity > 0 else "", room.place]
    return " · ".join(p for p in parts if p)


def matches(value: str, needle: str, match_type: str = "contains") -> bool:
    """RFC 3744 §9.4: a caseless substring match; Apple's match-type asks for starts-with or equals."""
    value, needle = value.casefold(), needle.strip().casefold()
    if match_type == "equals":
        return value == needle
    if match_type == "starts-with":
        return value.startswith(needle)
    return needle in value
