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
