"""Who holds a room when a wanted slot collides, and how much of that a viewer may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from services.rooms.domain.slots import Slot

BUSY = "belegt"  # what other partners see instead of a booking's title


@dataclass(frozen=True)
class Holding:
    """A valid occurrence already in the room."""

    booking_id: int
    partner_id: int
    title: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Conflict:
    """A holding as one viewer may see it: the title only for the booking's own partner."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    own: bool


def visible_title(title: str, holder_partner_id: int, viewer_partner_id: int | None) -> str:
    return title if viewer_partner_id is not None and holder_partner_id == viewer_partner_id else BUSY


def first_conflict(slot: Slot, holdings: Iterable[Holding], viewer_partner_id: int | None) -> Conflict | None:
    """The earliest holding that overlaps the slot, or None when the room is free."""
    hits = sorted((h for h in holdings if slot.overlaps(Slot(h.starts_at, h.ends_at))), key=lambda h: h.starts_at)
    if not hits:
        return None
    h = hits[0]
    own = viewer_partner_id is not None and h.partner_id == viewer_partner_id
    return Conflict(h.booking_id, h.starts_at, h.ends_at, visible_title(h.title, h.partner_id, viewer_partner_id), own)
