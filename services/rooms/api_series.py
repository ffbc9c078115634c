"""JSON API for series, approval, changes, rules, free rooms and the audit log (same blueprint
and HTTP Basic login as api.py)."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from shared.web.request_db import db

from services.rooms import changes, domain, messages, queries, rules_ops, series
from services.rooms.api import blp, error
from services.rooms.errors import (BookingConflict, BookingNotFound, InvalidInput, NotAllowed, RequestChanged,
                                   RoomNotFound, SeriesConflict)

from services.rooms.schemas import (AuditOut, BookingDetailOut, CancelIn, ChangeIn, DecisionIn, ErrorOut, FreeQuery,
                                    PreviewOut, RoomOut, RulesIO, SeriesIn)
from services.rooms.webctx import ctx


def recurrence_from(data: dict, context) -> domain.Recurrence:
    start, end = data["starts_at"].astimezone(context.tz), data["ends_at"].astimezone(context.tz)
    if end.date() != start.date():
        raise InvalidInput({"ends_at": "crosses_midnight"})
    r = data.get("recurrence") or {"freq": "once"}
    return domain.Recurrence(start.date(), start.time(), end.time(), r.get("freq", "once"), r.get("interval", 1),
                             r.get("count"), r.get("until"), r.get("ordinal"), frozenset(data.get("skip") or ()))


def wanted_dict(w, names) -> dict:
    return {"day": w.day, "starts_at": w.slot.starts_at, "ends_at": w.slot.ends_at, "skipped": w.skipped,
            "conflicts": [{"booking_id": c.booking_id, "starts_at": c.starts_at, "ends_at": c.ends_at,
                           "title": c.title, "partner_name": names(c.partner_id)} for c in w.conflicts],
            "violations": [messages.problem(v) for v in w.violations]}


def failure(exc: Exception, context):
    """The 4xx answer for an operation's error: German message, details in errors."""
    if isinstance(exc, RoomNotFound):
        return error(404, _("Einen Raum mit der Nummer %(id)s gibt es nicht.", id=exc.args[0]),
                     {"room_id": [_("Unbekannter Raum.")]})
    if isinstance(exc, BookingNotFound):
        return error(404, _("Eine Buchung mit der Nummer %(id)s gibt es nicht.", id=exc.args[0]))
    if isinstance(exc, NotAllowed):
        return error(403, messages.problem(str(exc.args[0])))
    if isinstance(exc, RequestChanged):
        return error(409, messages.problem("request_changed"), {"sequence": [messages.problem("request_changed")]},
                     sequence=exc.sequence)
    if isinstance(exc, InvalidInput):
        return error(422, _("Die Angaben sind fehlerhaft; Details stehen in errors."), messages.problems(exc.problems))
    if isinstance(exc, SeriesConflict):
        dates = [wanted_dict(w, context.partner_name_of) for w in exc.dates]
        only = exc.dates[0] if len(exc.dates) == 1 else None
        text = messages.conflict(exc.conflict) if only and only.conflicts else messages.series_conflict(exc.dates)
        return error(409, text, {"starts_at": [text]}, conflicts=WantedDateList().dump(dates), conflict=_one(exc.conflict))
    if isinstance(exc, BookingConflict):
        text = messages.conflict(exc.conflict)
        return error(409, text, {"starts_at": [text]}, conflict=_one(exc.conflict))
    raise exc


def _one(c):
    return None if c is None else {"booking_id": c.booking_id, "title": c.title,
                                   "starts_at": c.starts_at.isoformat(), "ends_at": c.ends_at.isoformat()}


class WantedDateList:
    def dump(self, dates):
        from services.rooms.schemas import WantedDateOut

        return WantedDateOut(many=True).dump(dates)


ERRORS = (RoomNotFound, BookingNotFound, NotAllowed, InvalidInput, BookingConflict, RequestChanged)


@blp.post("/preview")
@blp.arguments(SeriesIn)
@blp.response(200, PreviewOut)
@blp.alt_response(422, schema=ErrorOut)
def preview(data: dict):
    """Every wanted date with what it collides with and which room rules it breaks; books nothing."""
    context = ctx()
    try:
        found = series.preview(db(), g.account, data["room_id"], recurrence_from(data, context), data["title"], context)
    except ERRORS as exc:
        return failure(exc, context)
    return {"room_id": found.room.id, "needs_approval": found.needs_approval, "bookable": not found.blocked,
            "dates": [wanted_dict(w, context.partner_name_of) for w in found.dates]}


def book_series(data: dict):
    """Used by POST /bookings (api.py): one-off or recurring."""
    context = ctx()
    try:
        booking = series.book(db(), g.account, data["room_id"], recurrence_from(data, context), data["title"],
                              data["public"], context)
    except ERRORS as exc:
        return failure(exc, context)
    return booking


def _act(fn, *args, **kwargs):
    context = ctx()
    try:
        booking = fn(db(), g.account, *args, context, **kwargs)
    except ERRORS as exc:
        return failure(exc, context)
    return booking


@blp.post("/bookings/<int:booking_id>/approve")
@blp.arguments(DecisionIn)
@blp.response(200, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut)
def approve(data: dict, booking_id: int):
    """Room owner: every waiting date holds the room (checked again for conflicts in the same
    transaction). With `sequence`, a request the booker changed since is not approved (409)."""
    return _act(changes.approve, booking_id, data["comment"], sequence=data["sequence"])


@blp.post("/bookings/<int:booking_id>/decline")
@blp.arguments(DecisionIn)
@blp.response(200, BookingDetailOut)
def decline(data: dict, booking_id: int):
    """Room owner: every waiting date is declined; dates approved before stay booked."""
    return _act(changes.decline, booking_id, data["comment"], sequence=data["sequence"])


@blp.post("/bookings/<int:booking_id>/cancel")
@blp.arguments(CancelIn)
@blp.response(200, BookingDetailOut)
def cancel(data: dict, booking_id: int):
    """Cancel one date, this and the following, or the whole series; frees the room at once."""
    return _act(changes.cancel, booking_id, data["scope"], data["occurrence_id"])


@blp.post("/bookings/<int:booking_id>/change")
@blp.arguments(ChangeIn)
@blp.response(200, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut)
def change(data: dict, booking_id: int):
    """Move one date (to exactly starts_at/ends_at) or following/series (to their local times).
    Judged like a new booking; in a room that needs approval moved dates wait for the owner again."""
    return _act(changes.change_time, booking_id, data["scope"], data["occurrence_id"], data["starts_at"], data["ends_at"])


@blp.post("/bookings/<int:booking_id>/occurrences/<int:occurrence_id>/restore")
@blp.response(200, BookingDetailOut)
@blp.alt_response(409, schema=ErrorOut)
def restore(booking_id: int, occurrence_id: int):
    """Add a skipped or cancelled date back, judged like a new booking's date: free, within the
    room's rules, and waiting for the owner's approval where the room needs it. Only the side
    that cancelled a date (or the coordination office) may put it back."""
    return _act(changes.restore, booking_id, occurrence_id)


@blp.get("/approvals")
@blp.response(200, BookingDetailOut(many=True))
def approvals():
    """Requests waiting for the caller's approval (rooms of the caller's partner)."""
    return rules_ops.approval_queue(db(), g.account)


@blp.get("/rooms/<int:room_id>/rules")
@blp.response(200, RulesIO)
def get_rules(room_id: int):
    try:
        return rules_ops.get_rules(db(), g.account, room_id)
    except ERRORS as exc:
        return failure(exc, ctx())


@blp.put("/rooms/<int:room_id>/rules")
@blp.arguments(RulesIO)
@blp.response(200, RulesIO)
def put_rules(data: dict, room_id: int):
    """Room owner: opening hours, closures, durations, lead time, buffer, approval."""
    try:
        return rules_ops.put_rules(db(), g.account, room_id, data)
    except ERRORS as exc:
        return failure(exc, ctx())


@blp.get("/free")
@blp.arguments(FreeQuery, location="query")
@blp.response(200, RoomOut(many=True))
def free(query: dict):
    """Rooms free for the whole window that match the filters."""
    from services.rooms.api import _names, _room_dict

    names, context = _names(), ctx()
    rooms = queries.free_rooms(db(), domain.Slot(query["starts_at"], query["ends_at"]), query["district"],
                               query["capacity"], query["equipment"], query["step_free"], now=context.now, tz=context.tz)
    return [_room_dict(r, names) for r in rooms]


@blp.get("/audit")
@blp.response(200, AuditOut(many=True))
def audit():
    """Changes to the caller's bookings and rooms (everything for the coordination office)."""
    return queries.audit_for(db(), g.account)
