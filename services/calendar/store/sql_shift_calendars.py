"""The Engagementbörse's shifts in their partner's calendar "Ehrenamt: Schichten"
(calendar.engagement_shift): one calendar per partner, made on its first message, read-only for
everyone (as a source's calendar: access.can_write_events) and not public, so neither other
partners nor the public pages and feeds see it. Each message carries a shift's whole state and
its revision: an older one than the calendar holds changes nothing, nor does the same state
again, and a cancelled shift leaves a tombstone so that an older message cannot bring it back.

Two first messages of one partner at once: the second insert of the slug fails, its transaction
rolls back and the task is retried (IntegrityError is retried), and then finds the calendar."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.calendar.domain.engagement_shift import (
    CALENDAR_DESCRIPTION,
    CALENDAR_NAME,
    calendar_slugs,
    shift_resource,
    shift_uid,
)
from services.calendar.store.models import Calendar
from services.calendar.store.records import CalendarInfo
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_rows import calendar_info

COLOR = "#2E7D32"


def shift_calendar(session: Session, partner_id: int) -> CalendarInfo:
    """The partner's shift calendar, made if missing (at the first of its slugs nobody has)."""
    slugs = calendar_slugs(partner_id)
    taken = {c.slug: c for c in session.scalars(select(Calendar).where(Calendar.slug.in_(slugs)))}
    for c in taken.values():
        if c.read_only and c.kind == "partner" and c.owner_partner_id == partner_id:
            return calendar_info(c)
    free = next((slug for slug in slugs if slug not in taken), None)
    if free is None:
        raise ValueError(f"no free slug for the shift calendar of partner {partner_id}")
    calendar = Calendar(
        slug=free,
        kind="partner",
        owner_partner_id=partner_id,
        displayname=CALENDAR_NAME,
        description=CALENDAR_DESCRIPTION,
        color=COLOR,
        public=False,
        revision=1,
        room_revision=-1,
        read_only=True,
    )
    session.add(calendar)
    session.flush()
    return calendar_info(calendar)


def apply_shift(session: Session, message: dict) -> str:
    """A loaded calendar.engagement_shift: "stale", "unchanged", "stored" or "removed"."""
    store = SqlStore(session)
    calendar = shift_calendar(session, message["partner_id"])
    uid = shift_uid(message["shift_id"])
    name = f"engagement-shift-{message['shift_id']}.ics"
    known = store.latest_by_uid(calendar.id, uid)
    if known is not None and (known.source_sequence or 0) > message["revision"]:
        return "stale"
    data = shift_resource(message)
    if data is None:
        # a tombstone of this revision, so that an older message cannot bring it back
        if known is None or known.data or (known.source_sequence or 0) < message["revision"]:
            store.retire(calendar.id, uid, name, message["revision"])
        return "removed"
    if known is not None and known.data == data:
        return "unchanged"  # the same state again: not even the calendar's revision moves
    store.put(calendar.id, name, data, source_sequence=message["revision"])
    return "stored"
