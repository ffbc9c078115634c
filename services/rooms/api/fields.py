"""Bounded input at the HTTP boundary of the rooms service: the API's marshmallow fields and the
URL converter for ids. Every number, date and text a request carries passes one of these, so
nothing unbounded reaches PostgreSQL (integer columns end at 2**31 - 1), datetime arithmetic
(a time zone or buffer applied to year 9999 overflows) or the calendar (control characters).
The web forms use the same bounds (web/forms.py)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _, lazy_gettext as _l
from marshmallow import ValidationError, fields

from shared.ids import MAX_ID  # PostgreSQL `integer`, the type of every id column

from services.rooms import domain, wording


def _refuse(text: str) -> ValidationError:
    return ValidationError(text)


class Whole(fields.Integer):
    """A whole number from `low` to `high`. JSON numbers may be written 3.0 but not 3.5; true and
    false are not numbers; 1e23 is out of range, not a database error."""

    def __init__(self, low: int, high: int, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high = low, high
        self.metadata = {"minimum": low, "maximum": high, **self.metadata}

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise _refuse(self._range_text())
        try:
            number = super()._validated(value)
        except ValidationError:
            raise _refuse(self._range_text()) from None
        if not self.low <= number <= self.high:
            raise _refuse(self._range_text())
        return number

    def _range_text(self) -> str:
        return _("Bitte eine ganze Zahl von %(low)s bis %(high)s angeben.", low=self.low, high=self.high)


class Id(Whole):
    """A database id in a JSON body: a number, not a string of digits."""

    def __init__(self, **kwargs):
        super().__init__(1, MAX_ID, strict=True, **kwargs)

    def _range_text(self) -> str:
        return _("Bitte eine Nummer (ganze Zahl von 1 bis %(high)s) angeben.", high=MAX_ID)


def _in_range(day: dt.date) -> None:
    if not domain.day_in_range(day):
        raise _refuse(wording.problem("date_range"))


class Day(fields.Date):
    """A date (YYYY-MM-DD) between domain.EARLIEST_DAY and domain.LATEST_DAY."""

    default_error_messages = {"invalid": _l("Bitte ein Datum im Format JJJJ-MM-TT angeben, z. B. 2027-01-14.")}

    def _deserialize(self, value, attr, data, **kwargs) -> dt.date:
        day = super()._deserialize(value, attr, data, **kwargs)
        _in_range(day)
        return day


class Moment(fields.AwareDateTime):
    """An ISO 8601 date and time with its offset, on a day the service can do arithmetic with."""

    default_error_messages = {
        "invalid": _l("Bitte Datum und Uhrzeit im Format ISO 8601 angeben, z. B. 2027-01-14T15:00:00+01:00."),
        "invalid_awareness": _l("Bitte die Zeit mit Zeitzone angeben, z. B. +01:00."),
    }

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dt.datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        _in_range(moment.date())
        return moment


class Text(fields.String):
    """Free text: at most `max_length` characters, no control characters (multi-line text keeps
    line breaks and tabs). The same check as the web forms' (domain.text_problem)."""

    def __init__(self, max_length: int, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.max_length, self.multiline = max_length, multiline
        self.metadata = {"maxLength": max_length, **self.metadata}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        found = domain.text_problem(text, self.max_length, self.multiline)
        if found:
            raise _refuse(wording.text_problem(found, self.max_length))
        return text
