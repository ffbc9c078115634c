"""Errors of the rooms use cases: codes and data; answers.describe words them for the pages and
the API."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from services.rooms.domain.permissions import REFUSAL


class RoomsError(Exception):
    pass


class InvalidInput(RoomsError):
    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


class RoomNotFound(RoomsError):
    pass


class RoomRetired(RoomNotFound):
    """The room is no longer offered: it takes no new bookings (its past ones stay readable).
    A RoomNotFound, so callers that only know "no such room" still refuse."""


class PartnerInactive(RoomRetired):
    """The room's partner was deactivated by the coordination office: its rooms take no new
    bookings (its existing ones stay) until the partner is active again. A RoomRetired, so
    callers that only know "not offered" refuse alike."""


class RoomStillBooked(RoomsError):
    """Retiring refused: `dates` dates are still booked or requested from now on."""

    def __init__(self, dates: int):
        super().__init__(dates)
        self.dates = dates


class BookingNotFound(RoomsError):
    pass


class ClosureNotFound(RoomsError):
    pass


class NotAllowed(RoomsError):
    pass


class BookingConflict(RoomsError):
    """The slot is taken; `conflict` is what the booker may see of the holder (None when the
    database refused the insert and the winner is no longer visible)."""

    def __init__(self, conflict):
        super().__init__(conflict)
        self.conflict = conflict


class RequestChanged(RoomsError):
    """The booker changed a request after the owner looked at it: the owner decides on what
    they have seen, or looks again (`sequence`: the request's current one)."""

    def __init__(self, sequence: int):
        super().__init__(sequence)
        self.sequence = sequence


class SeriesConflict(BookingConflict):
    """Dates of a series that collide or break a room rule (services.rooms.series.WantedDate)."""

    def __init__(self, dates: list):
        first = next((c for d in dates for c in d.conflicts), None)
        super().__init__(first)
        self.dates = dates


def is_exclusion_violation(exc: IntegrityError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "23P01"


def require(allowed: bool, action: str, code: str | None = None) -> None:
    """Raise NotAllowed with the action's refusal code (domain.permissions.REFUSAL) unless allowed."""
    if not allowed:
        raise NotAllowed(code or REFUSAL[action])
