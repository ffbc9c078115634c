"""A room for a calendar offering (rooms.book_for_offering): the calendar says which room an
offering wants for its dates, and this books it under the same rules as the web form (conflict
check, room rules, approval, messages to both sides), in the name of the person who asked.

The wish is whole, not a change: an offering has at most one live booking here (found by its
UID); a new wish that differs cancels it and books again; a wish without a room only cancels it.
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
from services.rooms.booking.errors import BookingConflict, InvalidInput, NotAllowed, RoomNotFound, SeriesConflict
from services.rooms.db.models import Booking
from services.rooms.domain import recurrence

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
    rec = _recurrence(message["repeat"]) if message["repeat"] else None
    if current is not None and rec is not None and (wanted := _held_days(current, message, rec, ctx)) is not None:
        current.offering_sequence = sequence
        _give_back(session, current, booker, wanted, ctx)
        return Answer("booked", current.id, current.status)
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
        )
    except SeriesConflict as exc:
        return Answer("refused", reason="taken", taken=tuple(d.day for d in exc.dates))
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


def _held_days(booking: Booking, message: dict[str, Any], rec: domain.Recurrence, ctx: Ctx) -> set[date] | None:
    """The days the wish wants, when the booking already holds every one of them at the wished
    times (same room, title and visibility): then nothing is booked again, and only dates the
    offering dropped are given back. None when the wish needs a booking of its own."""
    if (booking.room_id, booking.title, booking.public) != (message["room_id"], message["title"], message["public"]):
        return None
    if recurrence.problems(rec):
        return None
    wanted = {d for d in recurrence.local_days(rec) if d not in rec.skip}
    held = {o.starts_at.astimezone(ctx.tz).date(): o for o in booking.occurrences if o.state in LIVE}
    for day in wanted:
        o = held.get(day)
        times = (o.starts_at.astimezone(ctx.tz).time(), o.ends_at.astimezone(ctx.tz).time()) if o else None
        if times != (rec.start, rec.end):
            return None
    return wanted


def _give_back(session: Session, booking: Booking, actor, wanted: set[date], ctx: Ctx) -> None:
    """Future dates of the booking the offering no longer holds (cancelled in the calendar) go
    back to the exchange one by one; the rest of the booking stays as it is."""
    for o in sorted(booking.occurrences, key=lambda o: o.starts_at):
        if o.state in LIVE and o.starts_at > ctx.now and o.starts_at.astimezone(ctx.tz).date() not in wanted:
            cancel.cancel(session, actor, booking.id, "occurrence", o.id, ctx, reason=DATE_DROPPED)


def _release(session: Session, booking: Booking, actor, ctx: Ctx) -> None:
    """Cancel what is left of the offering's booking (its past dates stay as they were)."""
    if any(o.state in LIVE and o.starts_at > ctx.now for o in booking.occurrences):
        cancel.cancel(session, actor, booking.id, "following", _first_future(booking, ctx), ctx, reason=CHANGED)
    booking.offering_uid = None


def _first_future(booking: Booking, ctx: Ctx) -> int | None:
    future = sorted((o for o in booking.occurrences if o.starts_at > ctx.now), key=lambda o: o.starts_at)
    return future[0].id if future else None
