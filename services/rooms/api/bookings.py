"""Bookings: book a series (one date or many), preview it, see one's bookings, and cancel, move
or put back their dates."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _

from shared.web.request_db import db

from services.rooms import domain
from services.rooms.answers import wanted_date
from services.rooms.api.blueprint import act, blp, error, refused
from services.rooms.api.schemas import BookingDetailOut, CancelIn, ChangeIn, ErrorOut, PreviewOut, SeriesIn
from services.rooms.booking import cancel as cancelling, change as changing, restore as restoring, series
from services.rooms.booking.context import Ctx
from services.rooms.booking.errors import InvalidInput, RoomsError
from services.rooms.db import queries
from services.rooms.request_context import ctx, preview_session


def recurrence_from(data: dict, context: Ctx) -> domain.Recurrence:
    """The series a request body asks for; its first date is [starts_at, ends_at) in local time."""
    start, end = data["starts_at"].astimezone(context.tz), data["ends_at"].astimezone(context.tz)
    if end.date() != start.date():
        raise InvalidInput({"ends_at": "crosses_midnight"})
    r = data.get("recurrence") or {"freq": "once"}
    return domain.Recurrence(
        start.date(),
        start.time(),
        end.time(),
        r.get("freq", "once"),
        r.get("interval", 1),
        r.get("count"),
        r.get("until"),
        r.get("ordinal"),
        frozenset(data.get("skip") or ()),
    )


@blp.post("/bookings")
@blp.arguments(SeriesIn)
@blp.response(201, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut, description="Der Raum ist zu dieser Zeit schon belegt.")
@blp.alt_response(404, schema=ErrorOut)
def create_booking(data: dict):
    """Book one slot or a series (recurrence); times in ISO 8601 with offset, half-open
    [starts_at, ends_at) = the first date. Any conflicting date fails the whole series (409,
    listed in conflicts): leave it out with skip, or change the time."""
    return act(
        lambda session, me, context: series.book(
            session,
            me,
            data["room_id"],
            recurrence_from(data, context),
            data["title"],
            data["public"],
            context,
            data["description"],
        )
    )


@blp.get("/bookings")
@blp.response(200, BookingDetailOut(many=True))
def my_bookings():
    """The bookings made with this account."""
    return queries.bookings_of(db(), g.account.account_id)


@blp.get("/bookings/<int:booking_id>")
@blp.response(200, BookingDetailOut)
@blp.alt_response(404, schema=ErrorOut)
def get_booking(booking_id: int):
    booking = queries.booking_for(db(), booking_id, g.account)
    if booking is None:
        return error(
            404,
            _(
                "Eine Buchung mit der Nummer %(id)s gibt es nicht (oder sie gehört einem anderen Partner).",
                id=booking_id,
            ),
        )
    return booking


@blp.post("/preview")
@blp.arguments(SeriesIn)
@blp.response(200, PreviewOut)
@blp.alt_response(422, schema=ErrorOut)
def preview(data: dict):
    """Every wanted date with what it collides with and which room rules it breaks; books nothing."""
    context = ctx()
    try:
        with preview_session() as session:
            found = series.preview(
                session, g.account, data["room_id"], recurrence_from(data, context), data["title"], context
            )
    except RoomsError as exc:
        return refused(exc, context)
    return {
        "room_id": found.room.id,
        "needs_approval": found.needs_approval,
        "bookable": not found.blocked,
        "dates": [wanted_date(w, context.partner_name_of) for w in found.dates],
    }


@blp.post("/bookings/<int:booking_id>/cancel")
@blp.arguments(CancelIn)
@blp.response(200, BookingDetailOut)
def cancel(data: dict, booking_id: int):
    """Cancel one date, this and the following, or the whole series; frees the room at once.
    `reason` is kept with the dates and told to the booker and the room's owner."""
    return act(
        lambda session, me, context: cancelling.cancel(
            session, me, booking_id, data["scope"], data["occurrence_id"], context, data["reason"]
        )
    )


@blp.post("/bookings/<int:booking_id>/change")
@blp.arguments(ChangeIn)
@blp.response(200, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut)
def change(data: dict, booking_id: int):
    """Move one date (to exactly starts_at/ends_at) or following/series (to their local times).
    Judged like a new booking; in a room that needs approval moved dates wait for the owner again."""
    return act(
        lambda session, me, context: changing.change_time(
            session, me, booking_id, data["scope"], data["occurrence_id"], data["starts_at"], data["ends_at"], context
        )
    )


@blp.post("/bookings/<int:booking_id>/occurrences/<int:occurrence_id>/restore")
@blp.response(200, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut)
def restore(booking_id: int, occurrence_id: int):
    """Add a skipped or cancelled date back, judged like a new booking's date: free, within the
    room's rules, and waiting for the owner's approval where the room needs it. Only the side
    that cancelled a date (or the coordination office) may put it back."""
    return act(lambda session, me, context: restoring.restore(session, me, booking_id, occurrence_id, context))
