"""When a reminder is due, and how notices change the plan of dates to remind.

"24 h before" is read the way people read it: a lead of whole days is the same wall-clock time
that many calendar days earlier in Europe/Berlin (a Sunday 10:00 date is reminded Saturday
10:00, also across a daylight-saving change, when that is 23 or 25 real hours). A lead that is
not whole days (2 h) is elapsed time. A wall-clock time that does not exist (spring gap) is
read with the offset before the change, so it is a real instant shortly after the gap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from services.notify.domain.notice import LOCAL

DAY = 1440


def reminder_moment(starts_at: datetime, lead_minutes: int) -> datetime:
    """The instant (UTC) at which the reminder for a date starting at `starts_at` is due."""
    if lead_minutes % DAY == 0:
        local = starts_at.astimezone(LOCAL)
        earlier = local.replace(tzinfo=None) - timedelta(days=lead_minutes // DAY)
        return earlier.replace(tzinfo=LOCAL, fold=0).astimezone(timezone.utc)
    return (starts_at - timedelta(minutes=lead_minutes)).astimezone(timezone.utc)


def is_due(starts_at: datetime, lead_minutes: int | None, learned_at: datetime, now: datetime) -> bool:
    """Due once its moment has come, while the date still lies ahead. A date we learnt of only
    after its moment (booked at short notice) gets no reminder: the confirmation just went out."""
    if lead_minutes is None or starts_at <= now:
        return False
    moment = reminder_moment(starts_at, lead_minutes)
    return moment <= now and learned_at <= moment


# how far ahead the scan looks: the longest lead plus a day-saving hour
def horizon(longest_lead_minutes: int) -> timedelta:
    return timedelta(minutes=longest_lead_minutes) + timedelta(hours=1)


@dataclass(frozen=True)
class PlannedDate:
    starts_at: datetime
    ends_at: datetime
    cancelled: bool
    ref: int | None = None  # the sender's occurrence id
    cancel_url: str = ""


PLANNING_KINDS = ("confirmed", "approved", "changed")
REMOVING_KINDS = ("cancelled", "declined")


def cancelled_starts(kind: str, dates: list[PlannedDate]) -> set[datetime] | None:
    """For a cancellation: the start times it takes off the plan; None: the whole booking.

    A cancellation that marks some dates "cancelled" cancels just those (a single date of a
    series); one that marks none cancels every date it lists; a decline ends the booking."""
    if kind == "declined":
        return None
    marked = {d.starts_at for d in dates if d.cancelled}
    return marked or {d.starts_at for d in dates}
