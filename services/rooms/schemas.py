"""Marshmallow schemas of the rooms JSON API (in and out). German error texts, so a script's
author can pass them on to a person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

REQUIRED = _l("Dieses Feld fehlt.")
NULL = _l("Dieses Feld darf nicht leer (null) sein.")


def _messages(invalid) -> dict:
    return {"required": REQUIRED, "null": NULL, "invalid": invalid}


class OccurrenceOut(Schema):
    starts_at = fields.AwareDateTime(format="iso")
    ends_at = fields.AwareDateTime(format="iso")
    state = fields.String()


class RoomOut(Schema):
    id = fields.Integer()
    partner_id = fields.Integer()
    partner_name = fields.String()
    name = fields.String()
    district = fields.String()
    address = fields.String()
    capacity = fields.Integer()
    equipment = fields.List(fields.String(), metadata={"description": "short keys, e.g. beamer, kueche"})
    step_free = fields.Boolean()
    description = fields.String()


class BookingIn(Schema):
    room_id = fields.Integer(required=True, strict=True, error_messages=_messages(_l("Bitte eine Raum-Nummer (ganze Zahl) angeben.")))
    starts_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"example": "2025-12-03T15:00:00+01:00"},
        error_messages={**_messages(_l("Bitte Datum und Uhrzeit im Format ISO 8601 angeben, z. B. 2025-12-03T15:00:00+01:00.")),
                        "invalid_awareness": _l("Bitte die Zeit mit Zeitzone angeben, z. B. +01:00.")})
    ends_at = fields.AwareDateTime(
        required=True, format="iso", metadata={"example": "2025-12-03T16:00:00+01:00"},
        error_messages={**_messages(_l("Bitte Datum und Uhrzeit im Format ISO 8601 angeben, z. B. 2025-12-03T16:00:00+01:00.")),
                        "invalid_awareness": _l("Bitte die Zeit mit Zeitzone angeben, z. B. +01:00.")})
    title = fields.String(required=True, error_messages=_messages(_l("Der Titel muss Text sein.")))
    public = fields.Boolean(load_default=False, error_messages=_messages(_l("Bitte true oder false angeben.")))


class BookingOut(Schema):
    id = fields.Integer()
    uid = fields.String()
    room_id = fields.Integer()
    room_name = fields.String(attribute="room.name")
    booker_partner_id = fields.Integer()
    title = fields.String()
    status = fields.String()
    sequence = fields.Integer()
    public = fields.Boolean()
    occurrences = fields.List(fields.Nested(OccurrenceOut))
    created_at = fields.AwareDateTime(format="iso")
    updated_at = fields.AwareDateTime(format="iso")


class ErrorOut(Schema):
    message = fields.String()
    errors = fields.Dict()


class RecurrenceIn(Schema):
    freq = fields.String(load_default="weekly", metadata={"description": "once, weekly or monthly (by weekday)"})
    interval = fields.Integer(load_default=1, metadata={"description": "every n weeks / months"})
    count = fields.Integer(load_default=None, allow_none=True)
    until = fields.Date(load_default=None, allow_none=True)
    ordinal = fields.Integer(load_default=None, allow_none=True,
                             metadata={"description": "monthly: 1-4 or -1 (last); default: as the first date"})


class SeriesIn(BookingIn):
    recurrence = fields.Nested(RecurrenceIn, load_default=None, allow_none=True)
    skip = fields.List(fields.Date(), load_default=list, metadata={"description": "local dates to leave out"})


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
    blocked_until = fields.AwareDateTime(format="iso", allow_none=True)


class BookingDetailOut(BookingOut):
    occurrences = fields.List(fields.Nested(SeriesOccurrenceOut))
    recurrence = fields.Dict(allow_none=True)
    comment = fields.String()


class DecisionIn(Schema):
    comment = fields.String(load_default="", metadata={"description": "shown to the booker"})


class CancelIn(Schema):
    scope = fields.String(load_default="series", metadata={"description": "occurrence, following or series"})
    occurrence_id = fields.Integer(load_default=None, allow_none=True)


class ChangeIn(CancelIn):
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")


class ClosureIO(Schema):
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    reason = fields.String(load_default="")
    all_rooms = fields.Boolean(load_default=False, metadata={"description": "for every room of the owner"})


class RulesIO(Schema):
    opening = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), load_default=dict,
                          metadata={"example": {"mo": ["08:00", "20:00"]}})
    min_minutes = fields.Integer(load_default=0)
    max_minutes = fields.Integer(load_default=14 * 60)
    max_days_ahead = fields.Integer(load_default=732)
    buffer_minutes = fields.Integer(load_default=0)
    approval_required = fields.Boolean(load_default=False)
    closures = fields.List(fields.Nested(ClosureIO), load_default=list)


class FreeQuery(Schema):
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")
    district = fields.String(load_default="")
    capacity = fields.Integer(load_default=0)
    equipment = fields.List(fields.String(), load_default=list)
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
