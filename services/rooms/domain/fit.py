"""How well a free room fits what is wanted, and why: the order of search results and of the
rooms offered instead of a taken one. Pure: no Flask, no database.

A room for 12 people comes before the 80-seat hall when 10 are wanted: the penalty grows with
the ratio of seats to people (log scale), and every wish a room does not meet (equipment,
step-free access, district) costs more than any size difference between rooms that meet it.
The reasons are codes with their numbers; the pages word them."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# penalties: a missing wish outweighs any size difference (a 2000-seat hall for 1 person is ~110)
MISSING_STEP_FREE = 400.0
MISSING_EQUIPMENT = 200.0  # per item
OTHER_DISTRICT = 150.0
TOO_FEW_SEATS = 500.0
PER_DOUBLING = 10.0  # each doubling of the seats beyond (or away from) the size wanted

GOOD_RATIO, LARGE_RATIO = 1.5, 3.0  # up to 1.5× the people: fits well; beyond 3×: much too big


@dataclass(frozen=True)
class Wish:
    """What the searcher asked for. `people`: seats needed (0: not said). `like_seats`: about
    as many seats as this room (when offering rooms instead of a taken one, whose size the
    booker chose)."""

    people: int = 0
    equipment: frozenset[str] = frozenset()
    step_free: bool = False
    district: str = ""
    like_seats: int = 0


@dataclass(frozen=True)
class Offer:
    """What the ranking needs of a room."""

    id: int
    seats: int
    equipment: frozenset[str]
    step_free: bool
    district: str


@dataclass(frozen=True)
class Reason:
    """One reason for the place: `code` (seats_fit, seats_larger, seats_much_larger,
    seats_too_few; beside a taken room: seats_like, seats_smaller, seats_bigger; seats, equipment_met, equipment_missing,
    step_free, not_step_free, district, other_district) with what its words need; `good`:
    whether it speaks for the room."""

    code: str
    good: bool
    seats: int = 0
    people: int = 0
    items: tuple[str, ...] = ()
    district: str = ""


@dataclass(frozen=True)
class Fit:
    offer: Offer
    penalty: float
    reasons: tuple[Reason, ...]


def rank(offers: Iterable[Offer], wish: Wish) -> list[Fit]:
    """Best fit first; rooms that fit equally well keep the order they came in."""
    return sorted((fit(offer, wish) for offer in offers), key=lambda f: f.penalty)


def fit(offer: Offer, wish: Wish) -> Fit:
    penalty, reasons = _seats(offer.seats, wish)
    wanted = sorted(wish.equipment)
    missing = tuple(key for key in wanted if key not in offer.equipment)
    met = tuple(key for key in wanted if key in offer.equipment)
    if met:
        reasons.append(Reason("equipment_met", True, items=met))
    if missing:
        penalty += MISSING_EQUIPMENT * len(missing)
        reasons.append(Reason("equipment_missing", False, items=missing))
    if wish.step_free:
        if offer.step_free:
            reasons.append(Reason("step_free", True))
        else:
            penalty += MISSING_STEP_FREE
            reasons.append(Reason("not_step_free", False))
    if wish.district:
        if offer.district == wish.district:
            reasons.append(Reason("district", True, district=offer.district))
        else:
            penalty += OTHER_DISTRICT
            reasons.append(Reason("other_district", False, district=offer.district))
    return Fit(offer, penalty, tuple(reasons))


def _seats(seats: int, wish: Wish) -> tuple[float, list[Reason]]:
    if wish.people > 0:
        if seats < wish.people:
            return TOO_FEW_SEATS + wish.people - seats, [Reason("seats_too_few", False, seats, wish.people)]
        ratio = seats / wish.people
        penalty = PER_DOUBLING * math.log2(ratio)
        if ratio <= GOOD_RATIO or seats - wish.people <= 2:
            return penalty, [Reason("seats_fit", True, seats, wish.people)]
        code = "seats_larger" if ratio <= LARGE_RATIO else "seats_much_larger"
        return penalty, [Reason(code, False, seats, wish.people)]
    if wish.like_seats > 0:
        ratio = max(seats, 1) / wish.like_seats
        penalty = PER_DOUBLING * abs(math.log2(ratio))
        if 1 / GOOD_RATIO <= ratio <= GOOD_RATIO:
            return penalty, [Reason("seats_like", True, seats, wish.like_seats)]
        return penalty, [Reason("seats_smaller" if ratio < 1 else "seats_bigger", False, seats, wish.like_seats)]
    return 0.0, [Reason("seats", True, seats)]
