"""Signed one-click cancel links, one per occurrence (notify puts them into reminders).

The token names the occurrence and the booking and is signed with the app's SECRET_KEY
(itsdangerous, salted for this purpose only); it is valid until the occurrence has ended,
which the view checks against the database, so no expiry needs to be inside the token."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "rooms.cancel-occurrence.v1"


def cancel_token(secret: str, booking_id: int, occurrence_id: int) -> str:
    return URLSafeSerializer(secret, salt=SALT).dumps([booking_id, occurrence_id])


def read_cancel_token(secret: str, token: str) -> tuple[int, int] | None:
    """(booking_id, occurrence_id), or None when the token was not made by us."""
    try:
        booking_id, occurrence_id = URLSafeSerializer(secret, salt=SALT).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(booking_id, int) or not isinstance(occurrence_id, int):
        return None
    return booking_id, occurrence_id


def cancel_path(secret: str, booking_id: int, occurrence_id: int) -> str:
    return f"/rooms/cancel/{cancel_token(secret, booking_id, occurrence_id)}"
