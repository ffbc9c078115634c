"""Marshmallow schemas of the rooms JSON API (in and out). German error texts, so a script's
author can pass them on to a person."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf

from shared.web.vocabulary import vocabulary

from services.rooms import wording
from services.rooms.api import people
from services.rooms.api.fields import MAX_ID, Day, Id, Moment, Text, Whole
from services.rooms.booking.dates import SCOPES
from services.rooms.domain import CANCEL_REASON_MAX, DESCRIPTION_MAX, MAX_DATES, TITLE_MAX, WEEKDAYS
from services.rooms.domain.approval import APPROVE, COMMENT_MAX, DATE_COMMENT_MAX, DECLINE
from services.rooms.domain.recurrence import FREQUENCIES, MAX_INTERVAL
from services.rooms.domain.rooms import MAX_CAPACITY
from services.rooms.domain.rules import MAX_BUFFER_MINUTES, MAX_CLOSURES, MAX_DAYS_AHEAD, MAX_MINUTES, REASON_MAX

REQUIRED = _l("Dieses Feld fehlt.")
NULL = _l("Dieses Feld darf nicht leer (null) sein.")
TOO_MANY = _l("Höchstens {max} Einträge.")
SCOPE_UNKNOWN, WEEKDAY_UNKNOWN = wording.PROBLEMS["scope_unknown"], wording.PROBLEMS["weekday_unknown"]
OPENING_PAIR = _l('Bitte Beginn und Ende angeben, z. B. ["08:00", "20:00"].')


def _messages(invalid) -> dict:
    return {"required": REQUIRED, "null": NULL, "invalid": invalid}


class OccurrenceOut(Schema):
    starts_at = fields.AwareDateTime(format="iso")
    ends_at = fields.AwareDateTime(format="iso")
    state = fields.String(metadata={"description": "valid, pending, skipped, cancelled or declined"})
    comment = fields.String(metadata={"description": "the room owner's word on this date when deciding"})
    cancel_reason = fields.String(metadata={"description": "why the date was cancelled"})


class RoomOut(Schema):
    id = fields.Integer()
    partner_id = fields.Integer()
    partner_name = fields.String()
    name = fields.String()
    district = fields.String()
    address = fields.String()
    capacity = fields.Integer()
    equipment = fields.List(fields.String(), metadata={"description": "short keys, e.g. beamer, kueche"})
    equipment_other = fields.String(metadata={"description": "further equipment, in the owner's words"})
    floor = fields.String()
    step_free = fields.Boolean()
    lift = fields.Boolean()
    accessible_toilet = fields.Boolean()
    hearing_loop = fields.Boolean()
    description = fields.String()
    house_rules = fields.String()
    photos = fields.List(fields.Dict(), metadata={"description": "in order: {url, alt}"})


class In(Schema):
    """Request bodies and queries: unknown keys are refused, in German."""

    error_messages = {"unknown": _l("Dieses Feld gibt es hier nicht."), "type": _l("Bitte ein JSON-Objekt senden.")}


class BookingIn(In):
    room_id = Id(required=True)
    starts_at = Moment(required=True, metadata={"example": "2027-01-14T15:00:00+01:00"})
    ends_at = Moment(required=True, metadata={"example": "2027-01-14T16:00:00+01:00"})
    title = Text(TITLE_MAX, required=True)
    description = Text(
        DESCRIPTION_MAX,
        multiline=True,
        load_default="",
        metadata={"description": "what it is for (Worum geht es?); the room's owner sees it"},
    )
    public = fields.Boolean(load_default=False, error_messages=_messages(_l("Bitte true oder false angeben.")))


class BookingOut(Schema):
    id = fields.Integer()
    uid = fields.String()
    room_id = fields.Integer()
    room_name = fields.String(attribute="room.name")
    booker_partner_id = fields.Integer()
    title = fields.String()
    description = fields.String()
    status = fields.String()
    sequence = fields.Integer()
    public = fields.Boolean()
    occurrences = fields.List(fields.Nested(OccurrenceOut))
    created_at = fields.AwareDateTime(format="iso")
    updated_at = fields.AwareDateTime(format="iso")


class ErrorOut(Schema):
    message = fields.String()
    errors = fields.Dict()


class RecurrenceIn(In):
    freq = fields.String(
        load_default="weekly",
        validate=OneOf(FREQUENCIES, error=wording.PROBLEMS["freq_unknown"]),
        metadata={"description": "once, weekly or monthly (by weekday)"},
    )
    interval = Whole(1, MAX_INTERVAL, load_default=1, metadata={"description": "every n weeks / months"})
    count = Whole(1, MAX_DATES, load_default=None, allow_none=True)
    until = Day(load_default=None, allow_none=True)
    ordinal = Whole(
        -1,
        4,
        load_default=None,
        allow_none=True,
        metadata={"description": "monthly: 1-4 or -1 (last); default: as the first date"},
    )


class SeriesIn(BookingIn):
    recurrence = fields.Nested(RecurrenceIn, load_default=None, allow_none=True)
    skip = fields.List(
        Day(),
        load_default=list,
        validate=Length(max=MAX_DATES, error=TOO_MANY),
        metadata={"description": "local dates to leave out"},
    )


class ConflictOut(Schema):
    booking_id = fields.Integer()
    starts_at = fields.AwareDateTime(format="iso")
    ends_at = fields.AwareDateTime(format="iso")
    title = fields.String(metadata={"description": "own partner: the title; others: belegt"})
    partner_name = fields.String()


class WantedDateOut(Schema):
    day = fields.Date()
    starts_at = fields.AwareDateTime(format="iso")
    ends_at = fields.AwareDateTime(format="iso")
    skipped = fields.Boolean()
    conflicts = fields.List(fields.Nested(ConflictOut))
    violations = fields.List(fields.String(), metadata={"description": "German sentences"})


class PreviewOut(Schema):
    room_id = fields.Integer()
    needs_approval = fields.Boolean()
    bookable = fields.Boolean()
    dates = fields.List(fields.Nested(WantedDateOut))


class SeriesOccurrenceOut(OccurrenceOut):
    id = fields.Integer()
    cancelled_by = fields.String(
        allow_none=True,
        metadata={
            "description": "booker, owner or coordination: the side that cancelled the date (only it may put it back)"
        },
    )
    blocked_until = fields.AwareDateTime(format="iso", allow_none=True)


class BookingDetailOut(BookingOut):
    occurrences = fields.List(fields.Nested(SeriesOccurrenceOut))
    recurrence = fields.Dict(allow_none=True)
    comment = fields.String()
    booker = fields.Function(
        people.booker,
        allow_none=True,
        metadata={
            "description": "who asked: name, partner_name, email, phone (null when the account is gone)",
            "type": "object",
        },
    )


class DecisionIn(In):
    comment = Text(COMMENT_MAX, multiline=True, load_default="", metadata={"description": "shown to the booker"})
    sequence = Whole(
        0,
        MAX_ID,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "the booking's sequence the decision was made on; a request changed since is not decided (409)"
        },
    )


class DateDecisionIn(In):
    occurrence_id = Id(required=True)
    decision = fields.String(
        required=True,
        validate=OneOf((APPROVE, DECLINE), error=wording.PROBLEMS["decision_unknown"]),
        metadata={"description": "approve (freigeben) or decline (ablehnen)"},
    )
    comment = Text(DATE_COMMENT_MAX, multiline=True, load_default="", metadata={"description": "shown to the booker"})


class DecideIn(DecisionIn):
    dates = fields.List(
        fields.Nested(DateDecisionIn),
        required=True,
        validate=Length(min=1, max=MAX_DATES, error=TOO_MANY),
        metadata={"description": "one entry for every date of the request that waits for approval"},
    )


class ScopeIn(In):
    scope = fields.String(
        load_default="series",
        validate=OneOf(SCOPES, error=SCOPE_UNKNOWN),
        metadata={"description": "occurrence, following or series"},
    )
    occurrence_id = Id(load_default=None, allow_none=True)


class CancelIn(ScopeIn):
    reason = Text(
        CANCEL_REASON_MAX,
        multiline=True,
        load_default="",
        metadata={"description": "why (fällt aus wegen …); told to the booker and the room's owner"},
    )


class ChangeIn(ScopeIn):
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)


class ClosureIO(In):
    first_day = Day(required=True)
    last_day = Day(required=True)
    reason = Text(REASON_MAX, load_default="")
    all_rooms = fields.Boolean(load_default=False, metadata={"description": "for every room of the owner"})


class RulesIO(In):
    opening = fields.Dict(
        keys=fields.String(validate=OneOf(WEEKDAYS, error=WEEKDAY_UNKNOWN)),
        values=fields.List(fields.String(), validate=Length(equal=2, error=OPENING_PAIR)),
        load_default=dict,
        metadata={"example": {"mo": ["08:00", "20:00"]}},
    )
    min_minutes = Whole(0, MAX_MINUTES, load_default=0)
    max_minutes = Whole(1, MAX_MINUTES, load_default=MAX_MINUTES)
    max_days_ahead = Whole(1, MAX_DAYS_AHEAD, load_default=MAX_DAYS_AHEAD)
    buffer_minutes = Whole(0, MAX_BUFFER_MINUTES, load_default=0)
    approval_required = fields.Boolean(load_default=False)
    closures = fields.List(
        fields.Nested(ClosureIO), load_default=list, validate=Length(max=MAX_CLOSURES, error=TOO_MANY)
    )


def _equipment(key: str) -> None:
    """A key of the shared vocabulary's equipment (a retired one still finds rooms that have it)."""
    if key not in vocabulary().keys("equipment"):
        raise ValidationError(str(wording.PROBLEMS["equipment_unknown"]))


class FreeQuery(In):
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    district = Text(60, load_default="")
    capacity = Whole(0, MAX_CAPACITY, load_default=0)
    equipment = fields.List(fields.String(validate=_equipment), load_default=list)
    step_free = fields.Boolean(load_default=False)


class AuditOut(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime(format="iso")
    account_id = fields.Integer(allow_none=True)
    partner_id = fields.Integer(allow_none=True)
    action = fields.String()
    room_id = fields.Integer(allow_none=True)
    booking_id = fields.Integer(allow_none=True)
    details = fields.Dict()
