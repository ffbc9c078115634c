"""Reminders: notify keeps its own plan of upcoming dates from the notices it receives, and a
periodic scan (beat: notify.scan_reminders) turns due dates into reminder deliveries.

Exactly one reminder per date and channel, however often or concurrently the scan runs: the
reminder's message_id is derived from (booking, person, start), and deliveries are unique per
(message_id, channel). Never far-future ETA tasks (the Redis broker would redeliver them)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import utcnow
from shared.db import as_utc, per_dialect, transaction

from services.notify import delivery, preferences
from services.notify.delivery import PreferencesUrl
from services.notify.domain import reminders as rules
from services.notify.domain.notice import Notice, Occurrence
from services.notify.domain.preferences import LEAD_OPTIONS
from services.notify.models import Delivery, PeriodicRun, PlannedOccurrence, ReminderPlan

NAMESPACE = uuid.UUID("5b0c7c8e-2f41-4a8e-9d5e-6e6f74696679")
SCAN = "notify.scan_reminders"  # its PeriodicRun row


HEADER = (
    "sequence",
    "uid",
    "title",
    "room_name",
    "room_address",
    "partner_name",
    "recipient_name",
    "email",
    "phone",
    "language",
    "link",
    "updated_at",
)


def _header(notice: Notice) -> dict[str, Any]:
    return dict(
        sequence=notice.sequence,
        uid=notice.uid,
        title=notice.title[:300],
        room_name=notice.room_name[:300],
        room_address=notice.room_address[:300],
        partner_name=notice.partner_name[:300],
        recipient_name=notice.recipient_name[:200],
        email=notice.email[:254],
        phone=notice.phone[:32],
        language=notice.language,
        link=notice.link,
        updated_at=utcnow(),
    )


@per_dialect
def _plan_upsert(dialect):
    plan = ReminderPlan.__table__
    upsert = dialect.insert(plan)
    return upsert.on_conflict_do_update(
        index_elements=["booking_id", "account_id"],
        set_={name: upsert.excluded[name] for name in HEADER},
        where=plan.c.sequence <= upsert.excluded.sequence,
    ).returning(plan.c.booking_id)


def _take_plan(session: Session, notice: Notice) -> bool:
    """Create this booking's plan for this person, or take it over unless a newer notice shaped
    it: one upsert, True when it wrote. The row lock it holds (PostgreSQL) lasts until commit,
    so notices of one booking are applied one after the other, in sequence order."""
    row = {"booking_id": notice.booking_id, "account_id": notice.account_id, **_header(notice)}
    return session.execute(_plan_upsert(session), row).first() is not None


def apply(session: Session, notice: Notice) -> None:
    """Bring the plan up to date with one notice, in the caller's transaction (the one that
    records the notice; applying it again would change nothing). Only the booker's own notices
    plan reminders: a room's owner hears of others' bookings but is not reminded of them."""
    if notice.to_owner:
        return
    if notice.kind in rules.PLANNING_KINDS + rules.REMOVING_KINDS and _take_plan(session, notice):
        _apply(session, notice)


def _apply(session: Session, notice: Notice) -> None:
    rows = {
        as_utc(r.starts_at): r
        for r in session.scalars(
            select(PlannedOccurrence).where(
                PlannedOccurrence.booking_id == notice.booking_id, PlannedOccurrence.account_id == notice.account_id
            )
        )
    }
    if notice.kind in rules.REMOVING_KINDS:
        dates = [rules.PlannedDate(o.starts_at, o.ends_at, o.cancelled) for o in notice.occurrences]
        gone = rules.cancelled_starts(notice.kind, dates)
        for starts_at, row in rows.items():
            if gone is None or starts_at in gone:
                row.cancelled = True
        return
    # confirmed / approved / changed carry the whole current plan: make ours equal to it
    current = {o.starts_at.astimezone(timezone.utc): o for o in notice.occurrences}  # UTC: SQLite keeps no offset
    for starts_at, row in rows.items():
        if starts_at not in current:
            session.delete(row)
    for starts_at, o in current.items():
        row = rows.get(starts_at) or PlannedOccurrence(
            booking_id=notice.booking_id, account_id=notice.account_id, starts_at=starts_at
        )
        # only booked dates are reminded: a date waiting for approval is not the person's yet
        row.ends_at, row.cancelled, row.ref = o.ends_at.astimezone(timezone.utc), not o.booked, o.ref
        row.cancel_url = o.cancel_url
        session.add(row)


def message_id_for(booking_id: int, account_id: int, starts_at: datetime) -> str:
    key = f"reminder:{booking_id}:{account_id}:{starts_at.astimezone(timezone.utc).isoformat()}"
    return str(uuid.uuid5(NAMESPACE, key))


def _notice(plan: ReminderPlan, date: PlannedOccurrence, dates: list[PlannedOccurrence]) -> Notice:
    def occurrence(row: PlannedOccurrence) -> Occurrence:
        state = "cancelled" if row.cancelled else "valid"
        return Occurrence(as_utc(row.starts_at), as_utc(row.ends_at), state, row.ref, row.cancel_url)

    # the invitation carries the booking's whole current plan, so the calendar entry stays as it is
    return Notice(
        message_id=message_id_for(plan.booking_id, plan.account_id, as_utc(date.starts_at)),
        kind="reminder",
        booking_id=plan.booking_id,
        uid=plan.uid,
        sequence=plan.sequence,
        title=plan.title,
        room_name=plan.room_name,
        room_address=plan.room_address,
        partner_name=plan.partner_name,
        account_id=plan.account_id,
        recipient_name=plan.recipient_name,
        email=plan.email,
        phone=plan.phone,
        language=plan.language,
        occurrences=tuple(occurrence(r) for r in sorted(dates, key=lambda r: as_utc(r.starts_at))),
        link=plan.link,
        reminder_for=occurrence(date),
    )


def scan(
    factory: sessionmaker[Session],
    mail_from: str,
    now: datetime | None = None,
    preferences_url: PreferencesUrl | None = None,
) -> list[int]:
    """Create the reminders that are due at `now`; returns the ids of their deliveries still to
    send (the caller queues them). Safe to run twice, or in two processes at once."""
    now = now or utcnow()
    horizon = now + rules.horizon(max(lead for lead in LEAD_OPTIONS if lead))
    with factory() as session:
        candidates = session.scalars(
            select(PlannedOccurrence)
            .where(
                PlannedOccurrence.cancelled.is_(False),
                PlannedOccurrence.reminded_at.is_(None),
                PlannedOccurrence.starts_at > now,
                PlannedOccurrence.starts_at <= horizon,
            )
            .order_by(PlannedOccurrence.starts_at)
        ).all()
        prefs = preferences.load_many(session, (r.account_id for r in candidates))
    to_send: list[int] = []
    for date in candidates:
        if not rules.is_due(as_utc(date.starts_at), prefs[date.account_id].lead_minutes, as_utc(date.learned_at), now):
            continue
        with factory() as session:
            fresh = session.get(PlannedOccurrence, date.id)
            if fresh is None or fresh.cancelled:  # cancelled since we looked
                continue
            plan = session.get(ReminderPlan, (date.booking_id, date.account_id))
            dates = session.scalars(
                select(PlannedOccurrence).where(
                    PlannedOccurrence.booking_id == date.booking_id,
                    PlannedOccurrence.account_id == date.account_id,
                    PlannedOccurrence.cancelled.is_(False),
                )
            ).all()
        if plan is None:
            continue
        ids = delivery.accept(factory, _notice(plan, date, list(dates)), mail_from, preferences_url)
        with transaction(factory) as session:
            to_send += session.scalars(
                select(Delivery.id).where(Delivery.id.in_(ids), Delivery.status == "queued")
            ).all()
            # only after the deliveries exist: a scan that dies before this line is repeated
            session.execute(
                update(PlannedOccurrence)
                .where(PlannedOccurrence.id == date.id, PlannedOccurrence.reminded_at.is_(None))
                .values(reminded_at=now)
            )
    with transaction(factory) as session:
        session.execute(_finished_upsert(session), {"task": SCAN, "finished_at": now})
    return to_send


@per_dialect
def _finished_upsert(dialect):
    """The scan has covered every date due up to finished_at."""
    upsert = dialect.insert(PeriodicRun.__table__)
    return upsert.on_conflict_do_update(index_elements=["task"], set_={"finished_at": upsert.excluded.finished_at})
