"""Preview and book a series (a one-off booking is a series of one date).

Preview: every wanted date with the bookings it collides with (as far as the booker may see
them) and the room rules it breaks. Book: the same check again inside the write transaction,
after locking the room row; any remaining conflict fails the whole series, nothing is
half-written. The exclusion constraint (buffer included) still guards the insert. Both run in
the caller's session; the caller's unit of work commits or rolls back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.booking import notices
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import (
    BookingConflict,
    InvalidInput,
    PartnerInactive,
    RoomNotFound,
    RoomRetired,
    SeriesConflict,
    is_exclusion_violation,
    require,
)
from services.rooms.db import occupancy, queries
from services.rooms.db.models import Booking, Occurrence, Room
from services.rooms.domain import permissions, recurrence


@dataclass(frozen=True)
class WantedDate:
    day: date
    slot: domain.Slot
    skipped: bool
    conflicts: tuple[domain.Conflict, ...]
    violations: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        return not self.skipped and bool(self.conflicts or self.violations)


@dataclass(frozen=True)
class Preview:
    room: occupancy.RoomTerms
    dates: list[WantedDate]
    needs_approval: bool
    rules: domain.RoomRules

    @property
    def blocked(self) -> list[WantedDate]:
        return [d for d in self.dates if d.blocked]


def wanted(
    rec: domain.Recurrence, title: str, ctx: Ctx, extra: Sequence[domain.Slot] = ()
) -> tuple[list[date], list[domain.Slot], frozenset[domain.Slot]]:
    """The local days of the series and `extra` one-off dates, with their UTC slots in time
    order, and which of them the series skips; expanded once. Raises InvalidInput for what cannot
    be booked at all (bad times, too many dates, no title, nothing left)."""
    found = recurrence.problems(rec)
    days = [] if found else recurrence.local_days(rec)
    if recurrence.too_many(days + [slot.starts_at.date() for slot in extra]):
        found["count"] = "too_many_dates"
    slots = [] if found else [recurrence.slot_on(day, rec.start, rec.end, ctx.tz) for day in days]
    skipped = frozenset(slot for day, slot in zip(days, slots) if day in rec.skip)
    for slot in [*slots[:1], *extra] if not found else []:
        found = domain.problems(slot, title, ctx.now) | found
    if not found and len(skipped) == len(slots) and not extra:
        found["skip"] = "nothing_left"
    if found:
        raise InvalidInput(found)
    timed = sorted(
        [*zip(days, slots), *((s.starts_at.astimezone(ctx.tz).date(), s) for s in extra)],
        key=lambda dated: dated[1].starts_at,
    )
    return [day for day, _ in timed], [slot for _, slot in timed], skipped


def preview(
    session: Session,
    booker: Principal,
    room_id: int,
    rec: domain.Recurrence,
    title: str,
    ctx: Ctx,
    extra: Sequence[domain.Slot] = (),
) -> Preview:
    """Every wanted date (the series' and `extra` ones) with what it collides with and which
    rules it breaks; books nothing. One query on PostgreSQL (occupancy.room_and_holdings), so
    callers run it in shared.db.autocommit. Raises InvalidInput or RoomNotFound."""
    try:
        days, slots, skipped = wanted(rec, title, ctx, extra)
    except InvalidInput:
        if queries.room(session, room_id) is None:
            raise _unbookable(session, room_id) from None
        raise
    return judge(session, booker, room_id, days, slots, ctx, skipped=skipped)


def _unbookable(session: Session, room_id: int) -> RoomNotFound:
    """Why a room that no offered room matched cannot be booked: retired, or never there."""
    found = queries.any_room(session, room_id)
    return RoomRetired(room_id) if found is not None and not found.active else RoomNotFound(room_id)


def judge(
    session: Session,
    actor: Principal,
    room_id: int,
    days: list[date],
    slots: list[domain.Slot],
    ctx: Ctx,
    skipped: frozenset[domain.Slot] = frozenset(),
    booking: Booking | None = None,
) -> Preview:
    """The one decision on dates a booking wants, for a new booking, a change and a date put
        back alike: what each collides with (as `actor` may see it; the booking's own other dates
        aside), which room rules it breaks (opening hours, durations, lead time, closures, buffer, the
        past), and whether the owner must approve (domain.needs_approval). Raises RoomNotFound (or
    PartnerInactive: the room's partner is deactivated)."""
    found = occupancy.room_and_holdings(session, room_id, slots)
    if found is None:
        raise _unbookable(session, room_id)
    room, held = found
    if room.partner_id in ctx.inactive_partners:
        raise PartnerInactive(room_id)
    rules = room.rules
    hits = domain.conflicts_per_slot(slots, held, actor.partner_id, rules.buffer, booking.id if booking else None)
    dates = []
    for day, slot, conflicts in zip(days, slots, hits):
        broken = domain.violations(slot, rules, room.closures, ctx.now, ctx.tz)
        if slot.starts_at < ctx.now:
            broken.append("in_past")
        dates.append(WantedDate(day, slot, slot in skipped, tuple(conflicts), tuple(broken)))
    booker_partner_id = booking.booker_partner_id if booking else actor.partner_id
    asks = domain.needs_approval(rules, room.partner_id, booker_partner_id, actor.partner_id)
    return Preview(room, dates, asks, rules)


def book(
    session: Session,
    booker: Principal,
    room_id: int,
    rec: domain.Recurrence,
    title: str,
    public: bool,
    ctx: Ctx,
    description: str = "",
    offering: tuple[str, int] | None = None,
    extra: Sequence[domain.Slot] = (),
) -> Booking:
    """Book the series for `booker` in the caller's unit of work, or raise (and the caller's
    transaction writes nothing). `description`: what it is for, shown to the room's owner;
    `offering`: the calendar offering (UID, wish sequence) it is booked for; `extra`: one-off
    dates booked with the series (an offering's dates moved away from it)."""
    about = (description or "").strip()
    if problem := domain.text_problem(about, domain.DESCRIPTION_MAX, multiline=True):
        raise InvalidInput({"description": problem})
    room = queries.lock_room(session, room_id)
    if room is None:
        raise _unbookable(session, room_id)
    require(permissions.can_book(room, booker), "book")
    found = preview(
        session, booker, room_id, rec, title, ctx, extra
    )  # after the lock: sees every booking committed before
    if found.blocked:
        raise SeriesConflict(found.blocked)
    try:
        return _insert(session, booker, room, found, rec, title.strip(), about, public, ctx, offering)
    except IntegrityError as exc:
        if not is_exclusion_violation(exc):
            raise
        # SQLAlchemy takes no further statement in a transaction whose flush failed; the refused
        # insert is all it held, and the check below must see what won in a transaction of its own
        session.rollback()
        raise _conflict_after_refusal(session, booker, room_id, rec, title, ctx, extra) from None


def book_dates(
    session: Session,
    booker: Principal,
    room: Room,
    found: Preview,
    title: str,
    description: str,
    ctx: Ctx,
    invitation_uid: str | None = None,
) -> Booking:
    """Book the dates of `found` the caller chose (each judged on its own by `judge`, e.g. an
    invitation's free dates) as one booking without a series rule, in the caller's unit of work.
    The caller has locked the room (queries.lock_room) and asked permissions.can_book. Raises
    BookingConflict when the database refuses (a writer that did not lock the room): the
    caller's transaction can then only roll back, and a retry judges the dates again."""
    try:
        return _insert(
            session, booker, room, found, None, title.strip(), description.strip(), False, ctx, None, invitation_uid
        )
    except IntegrityError as exc:
        if not is_exclusion_violation(exc):
            raise
        raise BookingConflict(None) from None


def _conflict_after_refusal(session, booker, room_id, rec, title, ctx, extra) -> BookingConflict:
    """The database refused (a writer that did not lock the room, e.g. an old process): tell
    the booker what is in the way now, as far as it can still be seen."""
    try:
        blocked = preview(session, booker, room_id, rec, title, ctx, extra).blocked
    except RoomNotFound:
        blocked = []
    return SeriesConflict(blocked) if blocked else BookingConflict(None)


def _insert(
    session: Session,
    booker: Principal,
    room: Room,
    found: Preview,
    rec: domain.Recurrence | None,
    title: str,
    description: str,
    public: bool,
    ctx: Ctx,
    offering: tuple[str, int] | None = None,
    invitation_uid: str | None = None,
) -> Booking:
    requested = found.needs_approval
    booking = Booking(
        room=room,
        booker_account_id=booker.account_id,
        booker_partner_id=booker.partner_id,
        title=title,
        description=description,
        status="requested" if requested else "confirmed",
        sequence=0,
        public=bool(public),
        recurrence=rec.describe() if rec is not None and rec.freq != "once" else None,
        comment="",
        offering_uid=offering[0] if offering else None,
        offering_sequence=offering[1] if offering else None,
        # made for an invitation: known before its first notices (the booker's own event is the
        # calendar entry; the rest of the invitation is recorded by the caller)
        invitation_uid=invitation_uid,
        created_at=ctx.now,
    )
    session.add(booking)
    session.flush()
    booking.uid = Booking.uid_for(booking.id)
    for wanted in found.dates:
        state = "skipped" if wanted.skipped else ("pending" if requested else "valid")
        booking.occurrences.append(
            Occurrence(
                room_id=room.id,
                starts_at=wanted.slot.starts_at,
                ends_at=wanted.slot.ends_at,
                state=state,
                blocked_until=wanted.slot.ends_at + found.rules.buffer,
            )
        )
    session.flush()  # the exclusion constraint speaks here, before any message is queued
    notices.booking_changed(session, booking, ctx)
    if requested:
        notices.to_owner_staff(session, booking, "requested", ctx)
    else:
        notices.to_booker(session, booking, "confirmed", ctx)
    notices.audit(
        session,
        booker,
        "booking_requested" if requested else "booking_created",
        room_id=room.id,
        booking_id=booking.id,
        at=ctx.now,
        title=title,
        dates=[w.day for w in found.dates if not w.skipped],
        skipped=[w.day for w in found.dates if w.skipped],
        recurrence=booking.recurrence,
    )
    return booking
