"""A room for a calendar offering (rooms.book_for_offering): the calendar says which room an
offering wants for its dates, and this books it under the same rules as the web form (conflict
check, room rules, approval, messages to both sides), in the name of the person who asked.

The wish is whole, not a change: an offering has at most one live booking here (found by its
UID). A wish for the same room and times is followed date by date in that booking (dates
dropped are given back, dates put back, moved or further ahead are booked into it where free,
and the days that are not are told back as taken); a wish at other times or for another room
cancels it and books again; a wish without a room only cancels it.
A wish older than the booking's (sequence) changes nothing. The answer tells the calendar what
became of it; the booking's own state follows as calendar.booking_changed, like any booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.rooms import domain
from services.rooms.booking import cancel, series
from services.rooms.booking.context import Ctx
from services.rooms.booking.dates import add_judged, restorable
from services.rooms.booking.errors import BookingConflict, InvalidInput, NotAllowed, RoomNotFound, SeriesConflict
from services.rooms.db import queries
from services.rooms.db.models import Booking, Occurrence

CHANGED = "Das Angebot im Kalender wurde geändert."
DATE_DROPPED = "Der Termin des Angebots fällt aus."
GONE_STATUSES = ("cancelled", "declined")
LIVE = ("valid", "pending")


@dataclass(frozen=True)
class Answer:
    state: str  # booked | released | refused | stale
    booking_id: int | None = None
    booking_status: str = ""
    reason: str = ""
    taken: tuple[date, ...] = ()


def wish(session: Session, message: dict[str, Any], ctx: Ctx) -> Answer:
    uid, sequence = message["offering_uid"], message["sequence"]
    current = _live_booking(session, uid)
    if current is not None and (current.offering_sequence or 0) >= sequence:
        return Answer("stale", current.id)
    booker = ctx.principal_of(message["account_id"])
    if booker is None:  # no such account, or deactivated
        return Answer("refused", reason="no_booker")
    repeat = message["repeat"]
    rec = _recurrence(repeat) if repeat else None
    # a moved date that has begun is past changing (like the series' dates, which start today)
    extra = [domain.Slot(d["starts_at"], d["ends_at"]) for d in (repeat or {}).get("extra_dates", [])]
    extra = [slot for slot in extra if slot.starts_at > ctx.now]
    if current is not None and rec is not None and _same_booking(current, message):
        taken = _follow(session, current, booker, rec, extra, ctx)
        if taken is not None:
            current.offering_sequence = sequence
            return Answer("booked", current.id, current.status, "taken" if taken else "", taken)
    if current is not None:
        _release(session, current, booker, ctx)
    if message["room_id"] is None or rec is None:
        return Answer("released")
    try:
        booking = series.book(
            session,
            booker,
            message["room_id"],
            rec,
            message["title"],
            message["public"],
            ctx,
            message["description"],
            offering=(uid, sequence),
            extra=extra,
        )
    except SeriesConflict as exc:
        return Answer("refused", reason="taken", taken=tuple(sorted({d.day for d in exc.dates})))
    except BookingConflict:  # the database refused the insert: taken meanwhile
        return Answer("refused", reason="taken")
    except InvalidInput as exc:
        return Answer("refused", reason=next(iter(exc.problems.values()), "invalid"))
    except RoomNotFound:
        return Answer("refused", reason="no_room")
    except NotAllowed:
        return Answer("refused", reason="not_allowed")
    return Answer("booked", booking.id, booking.status)


def _live_booking(session: Session, uid: str) -> Booking | None:
    return session.scalar(
        select(Booking)
        .where(Booking.offering_uid == uid, Booking.status.not_in(GONE_STATUSES))
        .order_by(Booking.id.desc())
        .limit(1)
        .with_for_update()
    )


def _recurrence(repeat: dict[str, Any]) -> domain.Recurrence:
    freq = repeat["freq"]
    if freq == "weekly" and repeat["interval"] > 1:
        freq = "nweekly"
    return domain.Recurrence(
        first_day=repeat["first_day"],
        start=repeat["start"],
        end=repeat["end"],
        freq=freq,
        interval=repeat["interval"],
        count=repeat["count"],
        until=repeat["until"],
        ordinal=repeat["ordinal"],
        skip=frozenset(repeat["skip"]),
    )


def _same_booking(booking: Booking, message: dict[str, Any]) -> bool:
    return (booking.room_id, booking.title, booking.public) == (message["room_id"], message["title"], message["public"])


def _follow(
    session: Session, booking: Booking, actor, rec: domain.Recurrence, extra: list[domain.Slot], ctx: Ctx
) -> tuple[date, ...] | None:
    """Bring the booking in line with the wish date by date: coming dates the offering no
    longer holds go back to the exchange, dates it holds anew (put back, moved, or further
    ahead) are booked into it where the room is free. Returns the days the room was not free
    on; None when the wish needs a booking of its own (none of its coming dates is held as
    wished: the offering changed its times)."""
    try:
        days, slots, skipped = series.wanted(rec, booking.title, ctx, extra)
    except InvalidInput:
        return None
    wanted = {slot: day for day, slot in zip(days, slots) if slot not in skipped and slot.starts_at > ctx.now}
    held = {_slot(o): o for o in booking.occurrences if o.state in LIVE and o.starts_at > ctx.now}
    if held and held.keys().isdisjoint(wanted):
        return None
    for slot, o in sorted(held.items(), key=lambda item: item[0].starts_at):
        if slot not in wanted:
            cancel.cancel(session, actor, booking.id, "occurrence", o.id, ctx, reason=DATE_DROPPED)
    missing = [
        (day, slot) for slot, day in sorted(wanted.items(), key=lambda item: item[0].starts_at) if slot not in held
    ]
    return _add(session, booking, actor, missing, ctx) if missing else ()


def _add(
    session: Session, booking: Booking, actor, missing: list[tuple[date, domain.Slot]], ctx: Ctx
) -> tuple[date, ...]:
    """Book dates into the offering's booking, each judged like a date of a new booking (free,
    within the room's rules, waiting for the owner where the room needs approval). A date the
    booking gave up comes back as itself, unless the owner's side took it off; the days not
    free (or not the booker's to put back) are returned."""
    queries.lock_room(session, booking.room_id)  # the judgement sees every booking committed before
    gone = {_slot(o): o for o in booking.occurrences if o.state not in LIVE}
    refused = {slot: day for day, slot in missing if slot in gone and not restorable(booking, gone[slot], actor)}
    asked = [(day, slot) for day, slot in missing if slot not in refused]
    found = series.judge(
        session, actor, booking.room_id, [d for d, _ in asked], [s for _, s in asked], ctx, booking=booking
    )
    taken = sorted({*refused.values(), *(w.day for w in found.blocked)})
    chosen = [w for w in found.dates if not w.blocked]
    if chosen:
        add_judged(session, booking, actor, chosen, gone, ctx)
    return tuple(taken)


def _slot(o: Occurrence) -> domain.Slot:
    return domain.Slot(o.starts_at, o.ends_at)


def _release(session: Session, booking: Booking, actor, ctx: Ctx) -> None:
    """Cancel what is left of the offering's booking (its past dates stay as they were)."""
    if any(o.state in LIVE and o.starts_at > ctx.now for o in booking.occurrences):
        cancel.cancel(session, actor, booking.id, "following", _first_future(booking, ctx), ctx, reason=CHANGED)
    booking.offering_uid = None


def _first_future(booking: Booking, ctx: Ctx) -> int | None:
    future = sorted((o for o in booking.occurrences if o.starts_at > ctx.now), key=lambda o: o.starts_at)
    return future[0].id if future else None
