"""Who asked for a booking, as the API shows it to those who see the whole booking
(domain.permissions.can_see_details: every endpoint that dumps a BookingDetailOut). Looked up in
identity once per account and request: a list of 500 bookings of one booker asks once."""

from __future__ import annotations

from flask import g

from services.rooms.booking import notices
from services.rooms.request_context import ctx


def booker(booking) -> dict | None:
    """contracts.PersonV1's fields (name, partner name, email, phone); None when the account is gone."""
    if "rooms_bookers" not in g:
        g.rooms_bookers = {}
    key = (booking.booker_account_id, booking.booker_partner_id)
    if key not in g.rooms_bookers:
        g.rooms_bookers[key] = notices.booker_of(booking, ctx())
    return g.rooms_bookers[key]
