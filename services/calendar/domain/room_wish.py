"""The room an offering wants, as the rooms service is asked for it (rooms.book_for_offering):
the offering's coming dates as a series rooms can expand the same way, from the first date
still to come. A cancelled date is skipped; a date moved to another time is skipped on its own
day and asked for at its new time (`extra_dates`); a date put back is asked for again, and rooms
books it into the offering's booking where the room is free.

Rooms books a series up to a last day, so an open-ended offering asks for a year (BOOKED_AHEAD):
`booked_until` names that last day, and the calendar asks again before it comes (RENEW_BEFORE,
tasks.py's calendar.renew_rooms), as it does whenever the offering is saved."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.offering import OfferingDate
from services.calendar.domain.offering_draft import OfferingDraft, monthly_position

BOOKED_AHEAD = timedelta(days=365)
RENEW_BEFORE = timedelta(days=60)  # an open-ended offering's room is asked for again this early
REFUSALS = ("taken", "no_room", "not_allowed", "no_booker", "too_many_dates", "in_past")


def room_repeat(draft: OfferingDraft, dates: list[OfferingDate], today: date) -> dict[str, Any] | None:
    """The series for rooms (OfferingRepeatV1's fields), or None when nothing is left to book or
    the offering repeats by a rule only a calendar program can say."""
    if draft.repeat.kind == "other":
        return None
    coming = [(series_day(d), d) for d in dates if series_day(d) >= today]
    regular = [day for day, d in coming if not d.cancelled and not d.moved]
    if draft.repeat.kind == "once":
        return _repeat(draft, regular[0], "once", None, []) if regular else None
    moved = [(day, d) for day, d in coming if d.moved and not d.cancelled and d.start.astimezone(LOCAL).date() >= today]
    if not regular and not moved:
        return None
    # from the first coming date of the series, even a cancelled or moved one (skipped): rooms
    # then sees the same series and gives only that date back
    first = min(day for day, d in coming)
    last = draft.repeat.until or today + BOOKED_AHEAD
    if draft.repeat.count is not None:
        last = max(day for day, d in coming)  # the dates still to come of a counted series
    last = min(last, today + BOOKED_AHEAD)
    skip = sorted({day for day, d in coming if (d.cancelled or d.moved) and first <= day <= last})
    extra = [{"starts_at": d.start, "ends_at": d.end} for day, d in moved if day <= last]
    ordinal = monthly_position(first) if draft.repeat.kind == "monthly" else None
    return _repeat(draft, first, draft.repeat.kind, last, skip, ordinal) | {"extra_dates": extra}


def booked_until(draft: OfferingDraft, repeat: dict[str, Any] | None, dates: list[OfferingDate]) -> date | None:
    """The last day asked for, when the offering goes on after it (its room is then asked for
    again before that day); None when the wish holds all its dates."""
    if repeat is None or repeat["until"] is None:
        return None
    last: date = repeat["until"]
    if draft.repeat.count is not None:
        goes_on = any(series_day(d) > last for d in dates)
    else:
        goes_on = draft.repeat.until is None or draft.repeat.until > last
    return last if goes_on else None


def series_day(d: OfferingDate) -> date:
    """The local day the series gives a date: a moved date's own day (its RECURRENCE-ID), not the
    day it moved to."""
    if d.key and len(d.key) == 16:  # 20261207T083000Z
        original = datetime.strptime(d.key, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        return original.astimezone(LOCAL).date()
    if d.key and len(d.key) == 8:  # an all-day series: 20261207
        return datetime.strptime(d.key, "%Y%m%d").date()
    return d.start.astimezone(LOCAL).date()


def _repeat(
    draft: OfferingDraft, first: date, freq: str, until: date | None, skip: list[date], ordinal: int | None = None
) -> dict[str, Any]:
    return {
        "first_day": first,
        "start": draft.starts,
        "end": draft.ends,
        "freq": freq,
        "interval": draft.repeat.interval if freq == "weekly" else 1,
        "count": None,
        "until": until,
        "ordinal": ordinal,
        "skip": skip,
    }
