"""Web forms of the rooms service (Flask-WTF: every form that changes something carries a CSRF
token; the search form only reads, so it is a plain GET form without one)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from shared.clock import utcnow
from shared.ids import MAX_ID

from services.rooms import wording
from services.rooms.domain import (
    CANCEL_REASON_MAX,
    DESCRIPTION_MAX,
    EQUIPMENT,
    TITLE_MAX,
    WEEKDAYS,
    day_in_range,
    text_problem,
    typed,
)
from services.rooms.domain.approval import COMMENT_MAX
from services.rooms.domain.rules import REASON_MAX


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
    """A day as people type it (domain.typed.parse_day: "8.12.", "08.12.26", "morgen",
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
        if not day_in_range(day):
            raise ValueError(wording.problem("date_range"))
        self.data = day

    def _value(self):
        if self.data is not None:
            return shown_day(self.data)
        return " ".join(self.raw_data) if self.raw_data else ""


class PlainText:
    """Free text as the API's Text field takes it (domain.text_problem): at most `max_length`
    characters, no control characters, line breaks only where `multiline`."""

    def __init__(self, max_length: int, multiline: bool = False, too_long=None):
        self.max_length, self.multiline, self.too_long = max_length, multiline, too_long

    def __call__(self, form, field):
        code = text_problem(field.data or "", self.max_length, self.multiline)
        if code == "text_too_long" and self.too_long:
            raise ValidationError(str(self.too_long) % {"max": self.max_length})
        if code:
            raise ValidationError(wording.text_problem(code, self.max_length))


class LocalTimeField(TimeField):
    """A wall-clock time as people type it (domain.typed.parse_clock: "14", "14 Uhr", "14.30",
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


def _date(label, required: bool = True):
    checks = [InputRequired(_l("Bitte geben Sie ein Datum an."))] if required else [Optional()]
    return LocalDateField(label, format=DATE_FORMATS, validators=checks, render_kw=TEXT_DATE)


def _time(label, message):
    return LocalTimeField(label, format=TIME_FORMATS, validators=[InputRequired(message)], render_kw=TEXT_TIME)


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    district = SelectField(_l("Stadtteil"), choices=[], default="")
    capacity = WholeNumberField(
        _l("Mindestens so viele Personen"),
        validators=[Optional(), NumberRange(0, 2000, _l("Bitte eine Zahl zwischen 0 und 2000."))],
    )
    equipment = CheckboxesField(_l("Ausstattung"), choices=[])
    step_free = BooleanField(_l("Nur barrierefreie Räume (stufenlos)"))
    weekday = SelectField(
        _l("oder der nächste Wochentag"),
        default="",
        choices=choices([("", _l("– beliebig –"))] + [(str(i), n) for i, n in enumerate(WEEKDAY_NAMES)]),
    )
    day = _date(_l("Datum"), required=False)
    start = LocalTimeField(_l("Von"), format=TIME_FORMATS, validators=[Optional()], render_kw=TEXT_TIME)
    end = LocalTimeField(_l("Bis"), format=TIME_FORMATS, validators=[Optional()], render_kw=TEXT_TIME)


class BookingForm(FlaskForm):
    """One-off or recurring; `skip` holds the dates the booker dropped in the preview."""

    date = _date(_l("Datum"))
    start = _time(_l("Beginn"), _l("Bitte geben Sie eine Anfangszeit an."))
    end = _time(_l("Ende"), _l("Bitte geben Sie eine Endzeit an."))
    title = StringField(
        _l("Titel"),
        validators=[
            InputRequired(_l("Bitte geben Sie einen Titel an.")),
            PlainText(TITLE_MAX, too_long=_l("Der Titel darf höchstens %(max)d Zeichen lang sein.")),
        ],
    )
    description = TextAreaField(
        _l("Worum geht es? (freiwillig)"),
        validators=[
            PlainText(
                DESCRIPTION_MAX,
                multiline=True,
                too_long=_l("Die Beschreibung darf höchstens %(max)d Zeichen lang sein."),
            )
        ],
        render_kw={"rows": 3, "maxlength": DESCRIPTION_MAX},
    )
    public = BooleanField(_l("Öffentlich im Kalender zeigen"))
    # radio buttons, not a list: the page shows each recurrence field only with its frequency (CSS :has)
    freq = RadioField(
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
    interval = WholeNumberField(
        _l("Abstand in Wochen (bei „alle n Wochen“)"),
        validators=[Optional(), NumberRange(1, 8, _l("Der Abstand muss zwischen 1 und 8 liegen."))],
    )
    ordinal = SelectField(
        _l("Welcher Wochentag im Monat (bei „monatlich“)"),
        default="",
        choices=choices(
            [
                ("", _l("wie am ersten Termin")),
                ("1", _l("der erste")),
                ("2", _l("der zweite")),
                ("3", _l("der dritte")),
                ("4", _l("der vierte")),
                ("-1", _l("der letzte")),
            ]
        ),
    )
    until = _date(_l("Wiederholen bis (Datum)"), required=False)
    count = WholeNumberField(
        _l("oder Anzahl der Termine"),
        validators=[Optional(), NumberRange(1, 200, _l("Eine Serie hat höchstens 200 Termine."))],
    )
    skip = SelectMultipleField(_l("Weglassen"), choices=[], validate_choice=False)

    # domain problem field -> form field that shows it
    FIELD_OF = {
        "starts_at": "start",
        "ends_at": "end",
        "title": "title",
        "description": "description",
        "interval": "interval",
        "count": "count",
        "until": "until",
        "ordinal": "ordinal",
        "freq": "freq",
        "skip": "date",
    }

    # the recurrence fields each frequency uses; the page hides the others, and they are ignored
    REPEAT_FIELDS = {
        "once": (),
        "weekly": ("until", "count"),
        "nweekly": ("interval", "until", "count"),
        "monthly": ("ordinal", "until", "count"),
    }

    def validate(self, extra_validators=None) -> bool:
        """Besides each field's checks: what a hidden recurrence field holds (typed before the
        frequency was changed back) is dropped, and "alle n Wochen" needs its number of weeks."""
        super().validate(extra_validators)
        used = self.REPEAT_FIELDS.get(self.freq.data or "", ())
        for name in ("interval", "ordinal", "until", "count"):
            if name not in used:
                field = getattr(self, name)
                field.data, field.errors = field.default, []
        if "interval" in used and self.interval.data is None and not self.interval.errors:
            self.interval.errors = [str(_l("Bitte geben Sie an, alle wie viele Wochen, z. B. 2."))]
        return not self.errors

    def slot(self, timezone: str) -> tuple[datetime, datetime]:
        """The first wanted slot as aware datetimes in the local time zone."""
        tz = ZoneInfo(timezone)
        return (
            datetime.combine(self.date.data, self.start.data, tzinfo=tz),
            datetime.combine(self.date.data, self.end.data, tzinfo=tz),
        )

    def add_problems(self, problems: dict[str, list[str]]) -> None:
        for field, texts in problems.items():
            target = getattr(self, self.FIELD_OF.get(field, "date"))
            target.errors = list(target.errors) + texts


class ScopeMixin:
    scope = RadioField(
        _l("Welche Termine?"),
        default="occurrence",
        choices=choices(
            [
                ("occurrence", _l("nur diesen Termin")),
                ("following", _l("diesen und alle folgenden")),
                ("series", _l("die ganze Serie")),
            ]
        ),
        validators=[InputRequired(_l("Bitte wählen Sie aus."))],
    )


class ReasonMixin:
    reason = TextAreaField(
        _l("Grund (freiwillig), z. B. „fällt aus wegen Krankheit“"),
        validators=[
            PlainText(
                CANCEL_REASON_MAX,
                multiline=True,
                too_long=_l("Der Grund darf höchstens %(max)d Zeichen lang sein."),
            )
        ],
        render_kw={"rows": 2, "maxlength": CANCEL_REASON_MAX},
    )


class CancelForm(ScopeMixin, ReasonMixin, FlaskForm):
    pass


class CancelLinkForm(ReasonMixin, FlaskForm):
    """The one-click cancel link's page: one date, known from the signed link; only the reason."""


class ChangeForm(ScopeMixin, FlaskForm):
    date = _date(_l("Neues Datum (nur für einen einzelnen Termin)"))
    start = _time(_l("Neuer Beginn"), _l("Bitte geben Sie eine Anfangszeit an."))
    end = _time(_l("Neues Ende"), _l("Bitte geben Sie eine Endzeit an."))


class DecisionForm(FlaskForm):
    comment = TextAreaField(
        _l("Kommentar für die Buchenden (freiwillig)"), validators=[PlainText(COMMENT_MAX, multiline=True)]
    )
    sequence = HiddenField()  # the request's version the owner saw (booking.decide.approve refuses a newer one)

    def seen_sequence(self) -> int | None:
        """The sequence the page was rendered with; None when missing or mangled (then not checked)."""
        value = (self.sequence.data or "").strip()
        return int(value) if value.isdigit() and int(value) <= MAX_ID else None


class ClosureForm(FlaskForm):
    first_day = _date(_l("Geschlossen ab"))
    last_day = _date(_l("Geschlossen bis einschließlich"))
    reason = StringField(_l("Grund (z. B. Ferien, Renovierung)"), validators=[PlainText(REASON_MAX)])
    all_rooms = BooleanField(_l("Für alle Räume unseres Hauses"))


class RulesForm(FlaskForm):
    min_minutes = WholeNumberField(
        _l("Mindestdauer in Minuten"), default=0, validators=[InputRequired(_l("Bitte eine Zahl angeben."))]
    )
    max_minutes = WholeNumberField(
        _l("Höchstdauer in Minuten"), default=840, validators=[InputRequired(_l("Bitte eine Zahl angeben."))]
    )
    max_days_ahead = WholeNumberField(
        _l("Höchstens so viele Tage im Voraus buchbar"),
        default=732,
        validators=[InputRequired(_l("Bitte eine Zahl angeben."))],
    )
    buffer_minutes = WholeNumberField(
        _l("Pufferzeit zwischen Buchungen in Minuten"),
        default=0,
        validators=[InputRequired(_l("Bitte eine Zahl angeben."))],
    )
    approval_required = BooleanField(_l("Buchungen anderer Partner brauchen unsere Freigabe"))


def _add_opening_fields() -> None:
    for key, name in zip(WEEKDAYS, WEEKDAY_NAMES):
        setattr(
            RulesForm,
            f"open_{key}",
            LocalTimeField(
                _l("%(day)s geöffnet ab", day=name), format=TIME_FORMATS, validators=[Optional()], render_kw=TEXT_TIME
            ),
        )
        setattr(
            RulesForm,
            f"close_{key}",
            LocalTimeField(
                _l("%(day)s geöffnet bis", day=name), format=TIME_FORMATS, validators=[Optional()], render_kw=TEXT_TIME
            ),
        )


_add_opening_fields()


def equipment_choices(label) -> list[SelectChoice]:
    return choices((key, label(key)) for key in EQUIPMENT)
