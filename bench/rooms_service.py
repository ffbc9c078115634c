"""The rooms service's own request-time code, as the benchmark calls it.

The service grows while this benchmark is written; each entry point says which of the service's
functions it uses, and the table shows that label, so a figure is never attributed to code that
did not run."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from shared.identity.store import Principal

from services.rooms import domain
from services.rooms.db import occupancy as queries

try:  # series preview (the check the booking form and the API run before booking)
    from services.rooms.booking import series as _series
    from services.rooms.booking.context import Ctx as _Ctx
except ImportError:  # older service: one query per date
    _series = None

SERVICE_SERIES_LABEL = (
    "service: series.preview (weekly, count=52)"
    if _series is not None
    else "service: queries.holdings per date (52 queries)"
)


def booker(account_id: int, partner_id: int) -> Principal:
    return Principal(
        account_id=account_id,
        username=f"bench{account_id}",
        display_name="Bench",
        email="",
        phone="",
        language="de",
        role="staff",
        partner_id=partner_id,
        partner_name="",
        district="",
    )


def series_conflicts(
    session,
    room_id: int,
    who: Principal,
    first_day: date,
    start: time,
    end: time,
    weeks: int,
    slots: list[tuple[datetime, datetime]],
) -> list:
    """Dates of a weekly series that collide with valid bookings, found the way the service does."""
    if _series is not None:
        ctx = _Ctx(public_url="http://bench.invalid", partner_name_of=lambda _pid: "")
        rec = domain.Recurrence(first_day, start, end, freq="weekly", interval=1, count=weeks)
        found = _series.preview(session, who, room_id, rec, "Bench-Serie", ctx)
        return [d for d in found.dates if d.conflicts]
    hits = []
    for s, e in slots:
        slot = domain.Slot(s.astimezone(timezone.utc), e.astimezone(timezone.utc))
        if domain.first_conflict(slot, queries.holdings(session, room_id, slot), who.partner_id):
            hits.append(slot)
    session.rollback()
    return hits


_free = getattr(queries, "free_rooms", None)
free_rooms = None
SERVICE_FREE_LABEL = "service: queries.free_rooms (no filters)"
if _free is not None:

    def free_rooms(session, starts_at: datetime, ends_at: datetime) -> list:
        ctx = _Ctx(public_url="http://bench.invalid", partner_name_of=lambda _pid: "")
        try:
            return list(_free(session, domain.Slot(starts_at, ends_at), now=ctx.now, tz=ctx.tz))
        finally:
            session.rollback()
