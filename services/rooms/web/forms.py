"""Web forms of the rooms service (Flask-WTF: every form that changes something carries a CSRF
token; the search form only reads, so it is a plain GET form without one)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from shared.ids import MAX_ID
from shared.web.typed_fields import (
    TEXT_TIME,
    TIME_FORMATS,
    WEEKDAY_NAMES,
    CheckboxesField,
    LocalTimeField,
    PlainText,
    WholeNumberField,
    choices,
    date_field,
    frequency_field,
    time_field,
)
from shared.web.vocabulary import vocabulary

from services.rooms.domain import CANCEL_REASON_MAX, DESCRIPTION_MAX, TITLE_MAX, WEEKDAYS
from services.rooms.domain.approval import COMMENT_MAX
from services.rooms.domain.rooms import ALT_MAX, MAX_CAPACITY, TEXTS
from services.rooms.domain.rules import REASON_MAX


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
    lift = BooleanField(_l("Nur mit Aufzug"))
    accessible_toilet = BooleanField(_l("Nur mit barrierefreiem WC"))
    hearing_loop = BooleanField(_l("Nur mit Höranlage (Induktionsschleife)"))
    weekday = SelectField(
        _l("oder der nächste Wochentag"),
        default="",
        choices=choices([("", _l("– beliebig –"))] + [(str(i), n) for i, n in enumerate(WEEKDAY_NAMES)]),
    )
    day = date_field(_l("Datum"), required=False)
    start = LocalTimeField(_l("Von"), format=TIME_FORMATS, validators=[Optional()], render_kw=TEXT_TIME)
    end = LocalTimeField(_l("Bis"), format=TIME_FORMATS, validators=[Optional()], render_kw=TEXT_TIME)


class BookingForm(FlaskForm):
    """One-off or recurring; `skip` holds the dates the booker dropped in the preview."""

    date = date_field(_l("Datum"))
    start = time_field(_l("Beginn"), _l("Bitte geben Sie eine Anfangszeit an."))
    end = time_field(_l("Ende"), _l("Bitte geben Sie eine Endzeit an."))
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
    freq = frequency_field()
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
    until = date_field(_l("Wiederholen bis (Datum)"), required=False)
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
    date = date_field(_l("Neues Datum (nur für einen einzelnen Termin)"))
    start = time_field(_l("Neuer Beginn"), _l("Bitte geben Sie eine Anfangszeit an."))
    end = time_field(_l("Neues Ende"), _l("Bitte geben Sie eine Endzeit an."))


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
    first_day = date_field(_l("Geschlossen ab"))
    last_day = date_field(_l("Geschlossen bis einschließlich"))
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


def equipment_choices(label, holding: Iterable[str] = ()) -> list[SelectChoice]:
    """The shared vocabulary's active equipment, and retired terms in `holding` (what the room
    has, or the search asked for), in the reader's words."""
    return choices((t.key, label(t.key)) for t in vocabulary().choices("equipment", holding))


def _text(label, field: str, required=None, **kwargs):
    """A free-text field of a room, as long as domain.rooms.TEXTS allows."""
    longest, multiline = TEXTS[field]
    checks = [InputRequired(required)] if required else [Optional()]
    checks.append(PlainText(longest, multiline=multiline))
    render = {"maxlength": longest, **({"rows": 5} if multiline else {})}
    return (TextAreaField if multiline else StringField)(label, validators=checks, render_kw=render, **kwargs)


class RoomForm(FlaskForm):
    """What a booker needs to know of a room (the owner's side edits it)."""

    name = _text(_l("Name des Raums"), "name", _l("Bitte geben Sie einen Namen an."))
    capacity = WholeNumberField(
        _l("Sitzplätze"),
        validators=[
            InputRequired(_l("Bitte geben Sie an, wie viele Menschen Platz finden.")),
            NumberRange(0, MAX_CAPACITY, _l("Die Zahl der Sitzplätze muss zwischen 0 und 2000 liegen.")),
        ],
        render_kw={"inputmode": "numeric", "size": 6},
    )
    district = SelectField(_l("Stadtteil"), validators=[InputRequired(_l("Bitte wählen Sie einen Stadtteil."))])
    address = _text(_l("Adresse"), "address", _l("Bitte geben Sie die Adresse an."))
    floor = _text(_l("Etage (freiwillig)"), "floor")
    equipment = CheckboxesField(_l("Ausstattung"), choices=[])
    equipment_other = _text(_l("Weitere Ausstattung (freiwillig)"), "equipment_other")
    step_free = BooleanField(_l("Stufenlos erreichbar (ohne Treppe oder mit Rampe)"))
    lift = BooleanField(_l("Mit Aufzug erreichbar"))
    accessible_toilet = BooleanField(_l("Barrierefreies WC im Haus"))
    hearing_loop = BooleanField(_l("Höranlage (Induktionsschleife) im Raum"))
    description = _text(_l("Beschreibung (freiwillig)"), "description")
    house_rules = _text(_l("Hausordnung (freiwillig)"), "house_rules")

    FIELDS = (
        "name",
        "capacity",
        "district",
        "address",
        "floor",
        "equipment",
        "equipment_other",
        "step_free",
        "lift",
        "accessible_toilet",
        "hearing_loop",
        "description",
        "house_rules",
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS} | {
            k: (getattr(self, k).data or "").strip()
            for k in ("address", "floor", "equipment_other", "description", "house_rules")
        }


class PhotoForm(FlaskForm):
    """One more photo of a room; the new room's form carries one too (picture optional there)."""

    picture = FileField(_l("Foto"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    alt = StringField(
        _l("Was zeigt das Foto? (für Menschen, die es nicht sehen)"),
        validators=[PlainText(ALT_MAX)],
        render_kw={"maxlength": ALT_MAX},
    )


class NewRoomForm(RoomForm):
    partner = SelectField(_l("Partner, dem der Raum gehört"), choices=[], validate_choice=False)
    picture = PhotoForm.picture
    alt = PhotoForm.alt


class PhotoAltForm(FlaskForm):
    alt = StringField(
        _l("Beschreibung des Fotos"),
        validators=[InputRequired(_l("Bitte beschreiben Sie kurz, was das Foto zeigt.")), PlainText(ALT_MAX)],
        render_kw={"maxlength": ALT_MAX},
    )


def district_choices(districts) -> list[SelectChoice]:
    return choices([("", _l("– bitte wählen –"))] + [(d, d) for d in districts])
