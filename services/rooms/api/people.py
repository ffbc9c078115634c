"""Who asked for a booking, as the API shows it to those who see the whole booking
(domain.permissions.can_see_details: every endpoint that dumps a BookingDetailOut). The request's
Ctx looks each account up in identity once, so a list of 500 bookings of one booker asks once."""

from __future__ import annotations

from services.rooms.booking import notices
from services.rooms.request_context import ctx


def booker(booking) -> dict | None:
    """contracts.PersonV1's fields (name, partner name, email, phone); None when the account is gone."""
    return notices.booker_of(booking, ctx())
