"""The partners' and the office's forms (Flask-WTF, CSRF). The rules are the domain's and the use
cases': these forms parse (days, times, hours) and turn what they read into the use cases'
values; the lengths here only keep browsers from sending more."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from shared.web.typed_fields import (
    TEXT_DATE,
    TEXT_TIME,
    CheckboxesField,
    LocalDateField,
    LocalTimeField,
    WholeNumberField,
    choices,
    date_field,
    time_field,
)

from services.engagement.domain import application as application_rules, opportunity as rules, shifts as shift_rules
from services.engagement.domain.vocabulary import DISTRICTS, LOCAL_TZ, WEEKDAYS
from services.engagement.exchange.posting import NOTE_MAX, Post
from services.engagement.web import wording


def local_moment(day: date, at: time) -> datetime:
    """A local day and wall-clock time in Jena as an aware moment in UTC."""
    return datetime.combine(day, at, LOCAL_TZ).astimezone(timezone.utc)


class HoursField(StringField):
    """Hours as people write them: "2", "1,5", "1.5"; `data` in minutes."""

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        if not raw:
            return
        try:
            hours = Decimal(raw)
        except InvalidOperation:
            raise ValueError(str(_l("Bitte eine Zahl, z. B. 2 oder 1,5."))) from None
        if not hours.is_finite() or not 0 < hours <= 24 * 7:
            raise ValueError(str(_l("Bitte eine Zahl, z. B. 2 oder 1,5.")))
        self.data = round(hours * 60)

    def _value(self):
        if isinstance(self.data, int):
            return f"{self.data / 60:.2f}".rstrip("0").rstrip(".").replace(".", ",")
        return " ".join(self.raw_data) if self.raw_data else ""


def _checks(label, pairs) -> CheckboxesField:
    """Checkboxes whose unknown values the domain refuses (in its words, with the others)."""
    return CheckboxesField(label, choices=choices(list(pairs)), validate_choice=False)


class OpportunityForm(FlaskForm):
    partner = SelectField(_l("Partner"), choices=[], validate_choice=False)
    kind = RadioField(
        _l("Wie oft?"),
        default="regular",
        validate_choice=False,  # the domain refuses unknown values, in its own words
        choices=choices(
            [
                ("regular", _l("regelmäßig, z. B. jede Woche")),
                ("shift", _l("einzelne Termine mit festen Plätzen (z. B. bei einem Fest)")),
                ("open", _l("nach Absprache, ohne feste Zeiten")),
            ]
        ),
    )
    title = StringField(_l("Titel"), render_kw={"maxlength": rules.TITLE_MAX, "autocomplete": "off"})
    description = TextAreaField(_l("Beschreibung"), render_kw={"rows": 6, "maxlength": rules.DESCRIPTION_MAX})
    district = SelectField(_l("Stadtteil"), choices=choices([(d, d) for d in DISTRICTS]), validate_choice=False)
    place = StringField(_l("Ort (freiwillig)"), render_kw={"maxlength": rules.PLACE_MAX, "autocomplete": "off"})
    topics = _checks(_l("Thema"), wording.TOPICS.items())
    with_whom = _checks(_l("Mit wem?"), wording.WITH_WHOM.items())
    weekdays = _checks(_l("Wochentage"), [(str(d), wording.WEEKDAYS[d]) for d in WEEKDAYS])
    times_of_day = _checks(_l("Tageszeit"), wording.TIMES_OF_DAY.items())
    flexible = BooleanField(_l("Zeiten nach Absprache mit den Helfenden"))
    hours = HoursField(_l("Zeitaufwand in Stunden"), render_kw={"inputmode": "decimal", "size": 6, "maxlength": 6})
    languages = _checks(_l("Sprachen, die man sprechen sollte"), wording.LANGUAGES.items())
    certificate_needed = BooleanField(_l("Erweitertes Führungszeugnis nötig (Arbeit mit Kindern)"))
    contact_name = StringField(
        _l("Ansprechperson"), render_kw={"maxlength": rules.CONTACT_NAME_MAX, "autocomplete": "name"}
    )
    contact_email = StringField(
        _l("E-Mail der Ansprechperson"),
        render_kw={"type": "email", "maxlength": rules.EMAIL_MAX, "autocomplete": "email"},
    )
    contact_phone = StringField(
        _l("Telefon der Ansprechperson"), render_kw={"type": "tel", "maxlength": rules.PHONE_MAX, "autocomplete": "tel"}
    )

    def post(self) -> Post:
        return Post(
            kind=self.kind.data or "",
            title=self.title.data or "",
            description=self.description.data or "",
            district=self.district.data or "",
            place=self.place.data or "",
            topics=tuple(self.topics.data or ()),
            with_whom=tuple(self.with_whom.data or ()),
            weekdays=tuple(int(d) if d.isdigit() and len(d) == 1 else -1 for d in self.weekdays.data or ()),
            times_of_day=tuple(self.times_of_day.data or ()),
            flexible=bool(self.flexible.data),
            expected_minutes=self.hours.data if isinstance(self.hours.data, int) else 0,
            languages=tuple(self.languages.data or ()),
            certificate_needed=bool(self.certificate_needed.data),
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
        )

    def fill(self, row) -> None:
        for name in ("kind", "title", "description", "district", "place", "topics", "with_whom", "times_of_day"):
            getattr(self, name).data = getattr(row, name)
        self.weekdays.data = [str(d) for d in row.weekdays]
        self.flexible.data, self.hours.data = row.flexible, row.expected_minutes
        self.languages.data, self.certificate_needed.data = list(row.languages), row.certificate_needed
        self.contact_name.data, self.contact_email.data = row.contact_name, row.contact_email
        self.contact_phone.data, self.partner.data = row.contact_phone, str(row.partner_id)


# the use cases' field names where they differ from the form's
POST_FIELDS = {"expected_minutes": "hours"}


class MoveForm(FlaskForm):
    """One button per next state; the office's "send back" carries a note."""

    target = HiddenField()
    note = TextAreaField(_l("Was soll der Partner ändern?"), render_kw={"rows": 3, "maxlength": NOTE_MAX})


class AcceptForm(FlaskForm):
    message = TextAreaField(
        _l("Ihre Nachricht (freiwillig)"), render_kw={"rows": 3, "maxlength": application_rules.MESSAGE_MAX}
    )
    meeting_day = LocalDateField(_l("Erstes Treffen: Tag (freiwillig)"), validators=[Optional()], render_kw=TEXT_DATE)
    meeting_starts = LocalTimeField(_l("von"), validators=[Optional()], render_kw=TEXT_TIME)
    meeting_ends = LocalTimeField(_l("bis"), validators=[Optional()], render_kw=TEXT_TIME)
    meeting_place = StringField(_l("Treffpunkt (freiwillig)"), render_kw={"maxlength": 200})

    def validate(self, extra_validators=None) -> bool:
        """A meeting needs its day and both times, or none of them."""
        ok = super().validate(extra_validators)
        given = [f for f in (self.meeting_day, self.meeting_starts, self.meeting_ends) if f.data is not None]
        if given and len(given) < 3:
            for f in (self.meeting_day, self.meeting_starts, self.meeting_ends):
                if f.data is None and not f.errors:
                    f.errors = [str(_l("Für ein erstes Treffen bitte Tag, Beginn und Ende angeben."))]
            return False
        return ok

    def meeting_moments(self) -> tuple[datetime, datetime] | None:
        if self.meeting_day.data is None or self.meeting_starts.data is None or self.meeting_ends.data is None:
            return None
        day = self.meeting_day.data
        return local_moment(day, self.meeting_starts.data), local_moment(day, self.meeting_ends.data)


class AnswerForm(FlaskForm):
    """Decline or put in touch: a message (for a decline a kind default stands in when empty)."""

    message = TextAreaField(
        _l("Ihre Nachricht (freiwillig)"), render_kw={"rows": 3, "maxlength": application_rules.MESSAGE_MAX}
    )


def _hours_in_range(form, field):
    if field.data is not None and not 0 <= field.data <= shift_rules.DEADLINE_MAX.total_seconds() // 3600:
        raise ValidationError(str(_l("Bitte eine Zahl von 0 bis 336 (zwei Wochen).")))


class ShiftForm(FlaskForm):
    day = date_field(_l("Tag"))
    starts = time_field(_l("von"), _l("Bitte geben Sie den Beginn an, z. B. 14:30."))
    ends = time_field(_l("bis"), _l("Bitte geben Sie das Ende an, z. B. 17:00."))
    capacity = WholeNumberField(
        _l("Plätze"),
        validators=[InputRequired(_l("Bitte geben Sie an, wie viele Helfende Sie brauchen."))],
        render_kw={"inputmode": "numeric", "size": 4},
    )
    deadline_hours = WholeNumberField(
        _l("Selbst abmelden bis … Stunden vorher"),
        default=24,
        validators=[InputRequired(_l("Bitte eine Zahl, z. B. 24.")), _hours_in_range],
        render_kw={"inputmode": "numeric", "size": 4},
    )

    def moments(self) -> tuple[datetime, datetime]:
        assert self.day.data is not None and self.starts.data is not None and self.ends.data is not None
        return local_moment(self.day.data, self.starts.data), local_moment(self.day.data, self.ends.data)

    def deadline(self) -> timedelta:
        return timedelta(hours=self.deadline_hours.data or 0)


class CapacityForm(FlaskForm):
    capacity = WholeNumberField(
        _l("Plätze"),
        validators=[
            InputRequired(_l("Bitte eine Zahl angeben.")),
            NumberRange(1, shift_rules.CAPACITY_MAX, _l("Bitte eine Zahl von 1 bis 200.")),
        ],
        render_kw={"inputmode": "numeric", "size": 4},
    )


class CancelShiftForm(FlaskForm):
    note = TextAreaField(_l("Nachricht an alle (freiwillig)"), render_kw={"rows": 2, "maxlength": 1000})


class AddPersonForm(FlaskForm):
    """Someone who asked in person or by phone; the checks are the domain's (application_problems)."""

    name = StringField(_l("Name"), render_kw={"maxlength": application_rules.NAME_MAX, "autocomplete": "off"})
    email = StringField(
        _l("E-Mail-Adresse"),
        render_kw={"type": "email", "maxlength": application_rules.EMAIL_MAX, "autocomplete": "off"},
    )
    phone = StringField(
        _l("Telefon (freiwillig)"),
        render_kw={"type": "tel", "maxlength": application_rules.PHONE_MAX, "autocomplete": "off"},
    )


class ActionForm(FlaskForm):
    """A button (remove a person): the CSRF token is all it carries."""
