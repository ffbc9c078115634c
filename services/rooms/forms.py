"""Web forms of the rooms service (Flask-WTF: every form carries a CSRF token)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TimeField
from wtforms.validators import InputRequired, Length

from services.rooms.domain import TITLE_MAX


class _GermanParse:
    """WTForms' own parse error is not translated in every version; say it in our words."""

    parse_error = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(self.parse_error)) from None


class LocalDateField(_GermanParse, DateField):
    parse_error = _l("Bitte geben Sie das Datum an, z. B. 03.12.2025.")


class LocalTimeField(_GermanParse, TimeField):
    parse_error = _l("Bitte geben Sie die Uhrzeit an, z. B. 15:00.")


TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]  # browsers without a time picker send what people type


class BookingForm(FlaskForm):
    date = LocalDateField(_l("Datum"), format=["%Y-%m-%d", "%d.%m.%Y"], validators=[InputRequired(_l("Bitte geben Sie ein Datum an."))])
    start = LocalTimeField(_l("Beginn"), format=TIME_FORMATS, validators=[InputRequired(_l("Bitte geben Sie eine Anfangszeit an."))])
    end = LocalTimeField(_l("Ende"), format=TIME_FORMATS, validators=[InputRequired(_l("Bitte geben Sie eine Endzeit an."))])
    title = StringField(_l("Titel"), validators=[
        InputRequired(_l("Bitte geben Sie einen Titel an.")),
        Length(max=TITLE_MAX, message=_l("Der Titel darf höchstens %(max)d Zeichen lang sein.")),
    ])
    public = BooleanField(_l("Öffentlich im Kalender zeigen"))

    # domain problem field -> form field that shows it
    FIELD_OF = {"starts_at": "start", "ends_at": "end", "title": "title"}

    def slot(self, timezone: str) -> tuple[datetime, datetime]:
        """The wanted slot as aware datetimes in the local time zone."""
        tz = ZoneInfo(timezone)
        return (datetime.combine(self.date.data, self.start.data, tzinfo=tz),
                datetime.combine(self.date.data, self.end.data, tzinfo=tz))

    def add_problems(self, problems: dict[str, list[str]]) -> None:
        for field, messages in problems.items():
            target = getattr(self, self.FIELD_OF.get(field, "date"))
            target.errors = list(target.errors) + messages
