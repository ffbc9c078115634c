"""Form fields every service's pages share: days and times as people type them (shared/typed.py),
shown again as understood; free text checked like the APIs check it (shared/text.py); whole
numbers and checkboxes with German messages."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField, TimeField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from shared import typed
from shared.clock import utcnow
from shared.text import text_problem


class _GermanParse:
    """WTForms' own parse error is not translated in every version; say it in our words."""

    parse_error = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(self.parse_error)) from None


class LocalDateField(DateField):
    """A day as people type it (typed.parse_day: "8.12.", "08.12.26", "morgen",
    "nächsten Dienstag", ISO from links), refused outside the days the service can compute with
    (the API's Day field has the same bounds), so a year 1 or 9999 never reaches time-zone
    arithmetic. Shown again as "Di, 08.12.2026", so the reader sees which day was understood."""

    def __init__(self, label=None, validators=None, format=None, **kwargs):
        super().__init__(label, validators, format=format or DATE_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            return
        try:  # "" and "  " too: Optional() then drops the error, InputRequired() words its own
            day = typed.parse_day(valuelist[0], _local_today())
        except typed.TypedError as exc:
            raise ValueError(_day_problem(exc)) from None
        if not typed.day_in_range(day):
            raise ValueError(
                _(
                    "Bitte ein Datum zwischen %(first)s und %(last)s angeben.",
                    first=typed.EARLIEST_DAY.year,
                    last=typed.LATEST_DAY.year,
                )
            )
        self.data = day

    def _value(self):
        if self.data is not None:
            return shown_day(self.data)
        return " ".join(self.raw_data) if self.raw_data else ""


class PlainText:
    """Free text: at most `max_length` characters, no control characters, line breaks only where
    `multiline`; `too_long` (with %(max)s) words the limit where the field needs its own words."""

    def __init__(self, max_length: int, multiline: bool = False, too_long=None):
        self.max_length, self.multiline, self.too_long = max_length, multiline, too_long

    def __call__(self, form, field):
        code = text_problem(field.data or "", self.max_length, self.multiline)
        if code == "text_too_long":
            raise ValidationError(str(self.too_long or _l("Höchstens %(max)s Zeichen.")) % {"max": self.max_length})
        if code:
            raise ValidationError(
                _(
                    "Bitte ohne Steuerzeichen (unsichtbare Zeichen wie NUL; in einzeiligen Feldern auch "
                    "ohne Zeilenumbruch oder Tabulator)."
                )
            )


class LocalTimeField(TimeField):
    """A wall-clock time as people type it (typed.parse_clock: "14", "14 Uhr", "14.30",
    "1430", "2pm"), shown again as "14:00"."""

    def __init__(self, label=None, validators=None, format=None, **kwargs):
        super().__init__(label, validators, format=format or TIME_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            return
        try:  # "" and "  " too, as for LocalDateField
            self.data = typed.parse_clock(valuelist[0])
        except typed.TypedError as exc:
            raise ValueError(_time_problem(exc)) from None

    def _value(self):
        if self.data is not None:
            return self.data.strftime("%H:%M")
        return " ".join(self.raw_data) if self.raw_data else ""


class WholeNumberField(_GermanParse, IntegerField):
    parse_error = _l("Bitte geben Sie eine ganze Zahl an.")


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 wants them."""
    return [SelectChoice(value, label) for value, label in pairs]


# What the fields show and what the picker script writes back; the parse takes much more (typed.py).
TIME_FORMATS = ["%H:%M"]
DATE_FORMATS = ["%d.%m.%Y"]
# Plain text fields, not the browsers' date/time widgets: those change their segment order with
# the operating system's locale, which trips up typing by keyboard and screen readers. A date
# field takes words ("morgen"), so it keeps the full keyboard; static/pick-date.js adds a button
# that opens the browser's own calendar where there is one (data-picker).
TEXT_DATE = {"type": "text", "autocomplete": "off", "size": 16, "maxlength": typed.MAX_TEXT, "data-picker": "date"}
TEXT_TIME = {"type": "text", "inputmode": "numeric", "autocomplete": "off", "size": 6, "maxlength": typed.MAX_TEXT}
DATE_HINT = _l("z. B. 14.01.2027, 14.1., „morgen“ oder „Dienstag“")
TIME_HINT = _l("z. B. 15:00, 15 Uhr oder 15.30")
SHORT_WEEKDAYS = {
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def shown_day(day: date) -> str:
    """ "Di, 08.12.2026" (English "Tue, 08.12.2026"): typed.parse_day reads it back."""
    locale = get_locale()
    names = SHORT_WEEKDAYS.get(locale.language if locale else "de", SHORT_WEEKDAYS["de"])
    return f"{names[day.weekday()]}, {day:%d.%m.%Y}"


def _local_today() -> date:
    """Today in the service's time zone: "morgen" and "8.12." are seen from here."""
    settings = current_app.config.get("SETTINGS")
    return utcnow().astimezone(ZoneInfo(settings.timezone if settings else "Europe/Berlin")).date()


def _day_problem(exc: typed.TypedError) -> str:
    if exc.code == "day_impossible":
        return _("Den %(day)s gibt es nicht. Bitte prüfen Sie Tag und Monat.", day=exc.shown)
    if exc.code == "day_weekday_mismatch" and exc.day is not None:
        return _(
            "Der %(day)s ist ein %(weekday)s. Bitte prüfen Sie Wochentag und Datum.",
            day=exc.shown,
            weekday=WEEKDAY_NAMES[exc.day.weekday()],
        )
    return _("Bitte geben Sie das Datum an, z. B. 14.01.2027, 14.1. oder „morgen“.")


def _time_problem(exc: typed.TypedError) -> str:
    if exc.code == "time_impossible":
        return _("Die Uhrzeit %(time)s gibt es nicht. Bitte eine Zeit von 0:00 bis 23:59.", time=exc.shown)
    if exc.code == "time_minutes":
        return _("Bitte schreiben Sie die Minuten zweistellig, z. B. 9:05 oder 9:50.")
    return _("Bitte geben Sie die Uhrzeit an, z. B. 15:00, 15 Uhr oder 15.30.")


WEEKDAY_NAMES = (
    _l("Montag"),
    _l("Dienstag"),
    _l("Mittwoch"),
    _l("Donnerstag"),
    _l("Freitag"),
    _l("Samstag"),
    _l("Sonntag"),
)


def frequency_field():
    """How a series repeats, as radio buttons (not a list): a page can then show each repeat
    field only with its frequency (CSS :has), without JavaScript."""
    return RadioField(
        _l("Wiederholung"),
        default="once",
        choices=choices(
            [
                ("once", _l("einmalig")),
                ("weekly", _l("wöchentlich")),
                ("nweekly", _l("alle n Wochen")),
                ("monthly", _l("monatlich am gleichen Wochentag (z. B. 2. Dienstag)")),
            ]
        ),
    )


def date_field(label, required: bool = True):
    checks = [InputRequired(_l("Bitte geben Sie ein Datum an."))] if required else [Optional()]
    return LocalDateField(label, format=DATE_FORMATS, validators=checks, render_kw=TEXT_DATE)


def time_field(label, message):
    return LocalTimeField(label, format=TIME_FORMATS, validators=[InputRequired(message)], render_kw=TEXT_TIME)
