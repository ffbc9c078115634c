"""Invited rooms are asked for the dates of the year ahead (domain/invited_rooms.py), so a
weekly meeting without an end would, as time passes, have dates beyond the booked year that
show the master's ACCEPTED without being booked. An event whose room answered and that nobody
touched for RENEW_AFTER is therefore scheduled again as its organizer would by saving it:
the window moves on, rooms books the new dates (and forgets the past ones), and the answer is
written back as after any change. The same request as before asks nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.calendar.scheduling.organizer import OrganizerScheduling
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_invitations import Invitations

RENEW_AFTER = timedelta(days=28)


def renew(
    session: Session,
    calendar_id: int,
    name: str,
    account_id: int,
    principal_of: Callable[[int], Principal | None],
    domain: str,
    now: datetime,
) -> bool:
    """Schedule the event at `name` again in its inviter's name; whether its rooms were asked
    anew. An event gone, or an inviter no longer active, is only passed over for a while (their
    next save, or their erasure, settles it)."""
    store, invitations = SqlStore(session), Invitations(session)
    calendar = next((c for c in store.calendars() if c.id == calendar_id), None)
    stored = store.get(calendar_id, name) if calendar is not None else None
    inviter = principal_of(account_id)
    asked = False
    if calendar is not None and stored is not None and stored.data is not None and inviter is not None:
        data = OrganizerScheduling(session, domain, now).put(calendar, name, stored.data, inviter)
        if data != stored.data:
            store.put(calendar_id, name, data, keep_schedule_tag=True)
            asked = True
    invitations.touch(calendar_id, name, now)
    return asked
