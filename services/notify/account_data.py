"""What notify holds about one account, for its export and its erasure (DSGVO; the messages are
handled by shared.account_data).

Export: the deliveries to the account (channel, address, subject, text, status, times), its
preferences and its reminder plans. Erase: like retention (retention.py), a delivery keeps its
row (the counts at /notify/ stay true) but loses its address, subject and texts; one not yet
sent is given up (there is nobody to send it to any more). Deliveries to other people that name
the person (an owner's notice with the booker's address or number, `traces`) are emptied too.
Preferences and reminder plans are deleted."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from shared.account_data import Gathered
from shared.contracts import EXPORT_ROWS

from services.notify.models import CapturedMessage, Delivery, PlannedOccurrence, Preference, ReminderPlan
from services.notify.retention import FINISHED, PERSONAL

TEXT_CHARS = 4000  # of one delivery's text in the export (a notice is far shorter)


def gather(session: Session, account_id: int) -> Gathered:
    part = Gathered()
    deliveries = session.scalars(
        select(Delivery).where(Delivery.account_id == account_id).order_by(Delivery.id.desc()).limit(EXPORT_ROWS + 1)
    )
    part.add(
        "deliveries",
        [
            {
                "channel": d.channel,
                "recipient": d.recipient,
                "kind": d.kind,
                "booking_id": d.booking_id,
                "subject": d.subject,
                "text": d.text[:TEXT_CHARS],
                "status": d.status,
                "created_at": d.created_at,
                "sent_at": d.sent_at,
            }
            for d in deliveries
        ],
    )
    preference = session.get(Preference, account_id)
    part.add(
        "preferences",
        []
        if preference is None
        else [
            {
                "choices": json.loads(preference.choices or "{}"),
                "reminder_minutes": preference.lead_minutes,
                "language": preference.language,
                "updated_at": preference.updated_at,
            }
        ],
    )
    plans = session.scalars(
        select(ReminderPlan)
        .where(ReminderPlan.account_id == account_id)
        .order_by(ReminderPlan.booking_id)
        .limit(EXPORT_ROWS + 1)
    )
    part.add("reminders", [_plan(session, p) for p in plans])
    return part


def _plan(session: Session, plan: ReminderPlan) -> dict[str, Any]:
    dates = session.scalars(
        select(PlannedOccurrence.starts_at)
        .where(PlannedOccurrence.booking_id == plan.booking_id, PlannedOccurrence.account_id == plan.account_id)
        .order_by(PlannedOccurrence.starts_at)
        .limit(100)
    )
    return {
        "booking_id": plan.booking_id,
        "title": plan.title,
        "room": plan.room_name,
        "name": plan.recipient_name,
        "email": plan.email,
        "phone": plan.phone,
        "dates": list(dates),
    }


def erase(session: Session, account_id: int, traces: list[str]) -> dict[str, int]:
    theirs = Delivery.account_id == account_id
    named = [
        condition
        for trace in traces
        for condition in (Delivery.recipient == trace, Delivery.text.contains(trace, autoescape=True))
    ]
    touched = list(
        session.scalars(
            update(Delivery)
            .where(or_(theirs, and_(Delivery.status.in_(FINISHED), or_(*named))) if named else theirs)
            .values(**PERSONAL)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
    )
    session.execute(  # nobody to send these to any more
        update(Delivery)
        .where(theirs, Delivery.status.not_in(FINISHED))
        .values(status="failed", failure="permanent", next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    if touched:
        session.execute(delete(CapturedMessage).where(CapturedMessage.delivery_id.in_(touched)))
    plans = session.execute(delete(ReminderPlan).where(ReminderPlan.account_id == account_id))
    session.execute(delete(PlannedOccurrence).where(PlannedOccurrence.account_id == account_id))
    preferences = session.execute(delete(Preference).where(Preference.account_id == account_id))
    return {
        "deliveries": len(touched),
        "reminder_plans": getattr(plans, "rowcount", 0),
        "preferences": getattr(preferences, "rowcount", 0),
    }
