"""The one translation of the rooms errors (booking.errors) into answers, for the pages and the
API alike: HTTP status, a code for programs and tests, a sentence for people (gettext, German
first), field errors and the data a client needs to act (the conflicting dates).

The API sends `text` as its message, `errors` as its errors and `data` beside them; a page shows
`text`, or `sentence()` where no preview lists the dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from shared.contracts import jsonable

from services.rooms import wording
from services.rooms.booking.errors import (
    BookingConflict,
    BookingNotFound,
    ClosureNotFound,
    InvalidInput,
    NotAllowed,
    PartnerInactive,
    RequestChanged,
    RoomNotFound,
    RoomRetired,
    RoomsError,
    RoomStillBooked,
    SeriesConflict,
)

INVALID_INPUT, SERIES_CONFLICT, BOOKING_CONFLICT = "invalid_input", "series_conflict", "booking_conflict"


@dataclass(frozen=True)
class Answer:
    status: int
    code: str
    text: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # JSON-ready
    details: tuple[str, ...] = ()  # per date: what is in the way, which rule it breaks

    def sentence(self) -> str:
        """The text with its details, for a page that does not list the dates itself."""
        return " ".join((self.text, *self.details))


def describe(error: RoomsError, partner_name_of: Callable[[int], str]) -> Answer:
    """`partner_name_of` names the holders of conflicting dates (Ctx.partner_name_of)."""
    if isinstance(error, PartnerInactive):
        text = wording.problem("partner_inactive")
        return Answer(409, "partner_inactive", text, {"room_id": [text]})
    if isinstance(error, RoomRetired):
        return Answer(
            409, "room_retired", wording.problem("room_retired"), {"room_id": [wording.problem("room_retired")]}
        )
    if isinstance(error, RoomStillBooked):
        return Answer(409, "room_still_booked", wording.still_booked(error.dates), data={"dates": error.dates})
    if isinstance(error, RoomNotFound):
        return Answer(
            404,
            "room_not_found",
            _("Einen Raum mit der Nummer %(id)s gibt es nicht.", id=error.args[0]),
            {"room_id": [_("Unbekannter Raum.")]},
        )
    if isinstance(error, BookingNotFound):
        return Answer(
            404, "booking_not_found", _("Eine Buchung mit der Nummer %(id)s gibt es nicht.", id=error.args[0])
        )
    if isinstance(error, ClosureNotFound):
        return Answer(404, "closure_not_found", _("Seite nicht gefunden"))
    if isinstance(error, NotAllowed):
        code = str(error.args[0])
        return Answer(403, code, wording.problem(code))
    if isinstance(error, RequestChanged):
        text = wording.problem("request_changed")
        return Answer(409, "request_changed", text, {"sequence": [text]}, {"sequence": error.sequence})
    if isinstance(error, InvalidInput):
        errors = wording.problems(error.problems)
        return Answer(422, INVALID_INPUT, " ".join(t for texts in errors.values() for t in texts), errors)
    if isinstance(error, SeriesConflict):
        return _series_conflict(error, partner_name_of)
    if isinstance(error, BookingConflict):
        text = wording.conflict(error.conflict)
        return Answer(409, BOOKING_CONFLICT, text, {"starts_at": [text]}, {"conflict": _conflict(error.conflict)})
    raise TypeError(f"not a rooms error: {error!r}")


def _series_conflict(error: SeriesConflict, partner_name_of) -> Answer:
    """One date in the way of another booking: that booking, in one sentence. Otherwise how many
    dates and which. Each date's collisions (with the holder's name) and broken rules follow as
    details."""
    dates = error.dates
    single = dates[0] if len(dates) == 1 and dates[0].conflicts else None
    text = wording.conflict(single.conflicts[0]) if single else wording.series_conflict(dates)
    details = [wording.conflict_line(c, partner_name_of(c.partner_id)) for d in dates for c in d.conflicts]
    details += [wording.problem(v) for d in dates for v in d.violations]
    data = {"conflicts": [wanted_date(w, partner_name_of) for w in dates], "conflict": _conflict(error.conflict)}
    return Answer(409, SERIES_CONFLICT, text, {"starts_at": [text]}, jsonable(data), tuple(details))


def wanted_date(w, partner_name_of) -> dict:
    """A wanted date (booking.series.WantedDate) with its conflicts as the asker may see them and
    its broken rules in words: the API's preview and conflict answers."""
    return {
        "day": w.day,
        "starts_at": w.slot.starts_at,
        "ends_at": w.slot.ends_at,
        "skipped": w.skipped,
        "conflicts": [
            {
                "booking_id": c.booking_id,
                "starts_at": c.starts_at,
                "ends_at": c.ends_at,
                "title": c.title,
                "partner_name": partner_name_of(c.partner_id),
            }
            for c in w.conflicts
        ],
        "violations": [wording.problem(v) for v in w.violations],
    }


def _conflict(c) -> dict | None:
    return (
        None
        if c is None
        else {
            "booking_id": c.booking_id,
            "title": c.title,
            "starts_at": c.starts_at.isoformat(),
            "ends_at": c.ends_at.isoformat(),
        }
    )
