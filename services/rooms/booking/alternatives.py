"""What to offer when a wanted time is taken: the same room at the nearest free times, and other
rooms free at the wanted time, best fit first (domain.fit). Reads only; bounded: one query for
the times of one room (series.judge over domain.nearby's candidates, so bookings, opening
hours, closures and every rule of the room count exactly as for a booking), one query for the
rooms, and at most MAX_SEARCHES queries for the search page's other times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import Row
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms.booking import series
from services.rooms.booking.context import Ctx
from services.rooms.db import occupancy
from services.rooms.domain import fit, nearby
from services.rooms.domain.recurrence import slot_on

MAX_ROOMS = nearby.MAX_SUGGESTIONS
MAX_SEARCHES = 20  # the search page's other times: free_rooms queries at most
SEARCH_SHIFT_MINUTES = 60  # the search page tries whole hours on the wanted day …
SEARCH_SHIFT_LIMIT = 180  # … up to three hours earlier or later


@dataclass(frozen=True)
class Elsewhere:
    """A free room (a row of the rooms table) and how it fits."""

    room: Row
    fit: fit.Fit


@dataclass(frozen=True)
class Later:
    """A free time (nearby.Candidate) and, on the search page, the best room free then."""

    when: nearby.Candidate
    room: Elsewhere | None = None


def offer_of(room) -> fit.Offer:
    return fit.Offer(room.id, room.capacity, frozenset(room.equipment or ()), bool(room.step_free), room.district or "")


def like(room) -> fit.Wish:
    """Rooms like this one: its equipment, access and district, about its size."""
    return fit.Wish(
        equipment=frozenset(room.equipment or ()),
        step_free=bool(room.step_free),
        district=room.district or "",
        like_seats=room.capacity,
    )


def free_times(
    session: Session, actor: Principal, room_id: int, day: date, start: time, end: time, ctx: Ctx
) -> list[Later]:
    """The nearest times this room could be booked for the same duration, as series.judge sees
    them for `actor`. Raises RoomNotFound."""
    found = nearby.candidates(day, start, end, ctx.tz)
    judged = series.judge(session, actor, room_id, [c.day for c in found], [c.slot for c in found], ctx)
    free = [c for c, d in zip(found, judged.dates) if not d.blocked]
    return [Later(c) for c in nearby.pick(free, day)]


def rooms_free(session: Session, day: date, start: time, end: time, wish: fit.Wish, ctx: Ctx, besides=None, **filters):
    """Every room free then (free_rooms with the given hard filters), ranked by the wish; not
    `besides` (the taken room)."""
    rows = [
        r
        for r in occupancy.free_rooms(
            session,
            slot_on(day, start, end, ctx.tz),
            now=ctx.now,
            tz=ctx.tz,
            inactive_partners=ctx.inactive_partners,
            **filters,
        )
        if r.id != besides
    ]
    by_id = {r.id: r for r in rows}
    return [Elsewhere(by_id[f.offer.id], f) for f in fit.rank([offer_of(r) for r in rows], wish)]


def other_rooms(session: Session, room, day: date, start: time, end: time, ctx: Ctx) -> list[Elsewhere]:
    """Rooms like `room` free at the wanted time, best fit first."""
    return rooms_free(session, day, start, end, like(room), ctx, besides=room.id)[:MAX_ROOMS]


def searched_times(session: Session, day: date, start: time, end: time, wish: fit.Wish, ctx: Ctx, **filters):
    """For a search that found nothing: the nearest times (whole hours on the day, the same time
    on the days around) at which a room matching the filters is free, with the best of them."""
    free: list[Later] = []
    tried = 0
    for candidate in nearby.candidates(day, start, end, ctx.tz):
        shift = abs(_minutes(candidate.start) - _minutes(start))
        if candidate.day == day and (shift % SEARCH_SHIFT_MINUTES or shift > SEARCH_SHIFT_LIMIT):
            continue
        if tried == MAX_SEARCHES or len(nearby.pick([f.when for f in free], day)) == nearby.MAX_SUGGESTIONS:
            break
        tried += 1
        best = rooms_free(session, candidate.day, candidate.start, candidate.end, wish, ctx, **filters)[:1]
        if best:
            free.append(Later(candidate, best[0]))
    chosen = nearby.pick([f.when for f in free], day)
    return sorted((f for f in free if f.when in chosen), key=lambda f: f.when.slot.starts_at)


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute
