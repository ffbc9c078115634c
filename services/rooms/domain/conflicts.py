"""Who holds a room when a wanted slot collides, and how much of that a viewer may see.

A holding occupies the room from its start until its end plus the buffer that applied when it
was booked (`blocked_until`); a wanted slot occupies it until its end plus the room's current
buffer. Two occupations collide when their half-open intervals overlap."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.rooms.domain.slots import Slot, overlaps

BUSY = "belegt"  # what other partners see instead of a booking's title


@dataclass(frozen=True)
class Holding:
    """A valid occurrence already in the room."""

    booking_id: int
    partner_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime | None = None  # end plus buffer; None = no buffer

    @property
    def occupied_until(self) -> datetime:
        return self.blocked_until or self.ends_at


@dataclass(frozen=True)
class Conflict:
    """A holding as one viewer may see it: the title only for the booking's own partner; other
    partners see "belegt" and who holds it."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    own: bool
    partner_id: int | None = None


def visible_title(title: str, holder_partner_id: int, viewer_partner_id: int | None) -> str:
    return title if viewer_partner_id is not None and holder_partner_id == viewer_partner_id else BUSY


def collides(slot: Slot, buffer: timedelta, h: Holding) -> bool:
    return overlaps(slot.starts_at, slot.ends_at + buffer, h.starts_at, h.occupied_until)


def conflicts(
    slot: Slot,
    holdings: Iterable[Holding],
    viewer_partner_id: int | None,
    buffer: timedelta = timedelta(0),
    ignore_booking: int | None = None,
) -> list[Conflict]:
    """Every holding that collides with the slot, earliest first, as the viewer may see it."""
    hits = sorted(
        (h for h in holdings if h.booking_id != ignore_booking and collides(slot, buffer, h)), key=lambda h: h.starts_at
    )
    return [_as_seen(h, viewer_partner_id) for h in hits]


def conflicts_per_slot(
    slots: Sequence[Slot],
    holdings: Iterable[Holding],
    viewer_partner_id: int | None,
    buffer: timedelta = timedelta(0),
    ignore_booking: int | None = None,
) -> list[list[Conflict]]:
    """conflicts() for each of many slots (a series), without comparing every slot with every
    holding: holdings are sorted by start once, and a slot only looks at those starting between
    its start minus the longest holding and its buffered end."""
    held = sorted((h for h in holdings if h.booking_id != ignore_booking), key=lambda h: h.starts_at)
    if not held:
        return [[] for _ in slots]
    starts = [h.starts_at for h in held]
    longest = max(h.occupied_until - h.starts_at for h in held)
    found = []
    for slot in slots:
        near = held[bisect_left(starts, slot.starts_at - longest) : bisect_left(starts, slot.ends_at + buffer)]
        found.append([_as_seen(h, viewer_partner_id) for h in near if collides(slot, buffer, h)])
    return found


def first_conflict(
    slot: Slot, holdings: Iterable[Holding], viewer_partner_id: int | None, buffer: timedelta = timedelta(0)
) -> Conflict | None:
    """The earliest holding that collides with the slot, or None when the room is free."""
    found = conflicts(slot, holdings, viewer_partner_id, buffer)
    return found[0] if found else None


def _as_seen(h: Holding, viewer_partner_id: int | None) -> Conflict:
    own = viewer_partner_id is not None and h.partner_id == viewer_partner_id
    return Conflict(
        h.booking_id, h.starts_at, h.ends_at, visible_title(h.title, h.partner_id, viewer_partner_id), own, h.partner_id
    )
