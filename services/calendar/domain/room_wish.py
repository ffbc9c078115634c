"""The room an offering wants, as the rooms service is asked for it (rooms.book_for_offering):
the offering's coming dates as a series rooms can expand the same way, from the first date
still to come. Rooms books a series up to a last day, so an open-ended offering asks for a year
(BOOKED_AHEAD) and asks again when it is saved later; cancelled and moved dates are skipped."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.offering import OfferingDate
from services.calendar.domain.offering_draft import OfferingDraft, monthly_position

BOOKED_AHEAD = timedelta(days=365)
REFUSALS = ("taken", "no_room", "not_allowed", "no_booker", "too_many_dates", "in_past")


def room_repeat(draft: OfferingDraft, dates: list[OfferingDate], today: date) -> dict[str, Any] | None:
    """The series for rooms (OfferingRepeatV1's fields), or None when nothing is left to book or
    the offering repeats by a rule only a calendar program can say."""
    if draft.repeat.kind == "other":
        return None
    local = [(d.start.astimezone(LOCAL).date(), d) for d in dates]
    coming = [(day, d) for day, d in local if day >= today]
    regular = [day for day, d in coming if not d.cancelled and not d.moved]
    if not regular:
        return None
    if draft.repeat.kind == "once":
        return _repeat(draft, regular[0], "once", None, [])
    # from the first coming date of the series, even a cancelled one (skipped): rooms then sees
    # the same series and gives only that date back
    first = next(day for day, d in coming if not d.moved)
    last = draft.repeat.until or today + BOOKED_AHEAD
    if draft.repeat.count is not None:
        last = regular[-1]  # the dates still to come of a counted series
    last = min(last, today + BOOKED_AHEAD)
    skip = sorted({day for day, d in coming if (d.cancelled or d.moved) and first <= day <= last})
    ordinal = monthly_position(first) if draft.repeat.kind == "monthly" else None
    return _repeat(draft, first, draft.repeat.kind, last, skip, ordinal)


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
