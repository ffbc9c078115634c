"""The offering form (WTForms): what an offering is, when it takes place and repeats, where,
for whom, and what it costs; read from and turned into an OfferingDraft."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from shared.identity.models import DISTRICTS
from shared.identity.vocabulary import FOR_EVERYONE
from shared.web.typed_fields import (
    CheckboxesField,
    PlainText,
    WholeNumberField,
    choices,
    date_field,
    frequency_field,
    time_field,
)

from services.calendar.domain.offering_draft import MAX_COUNT, MAX_INTERVAL, OfferingDraft, Repeat
from services.calendar.public.words import audience_choices, label, term_choices, vocabulary

TITLE_MAX, PLACE_MAX, COST_MAX, URL_MAX = 200, 300, 200, 500
TEXT_MAX, EASY_MAX, NOTE_MAX, PICTURE_WORDS_MAX = 4000, 1000, 300, 300


def _web_address(form, field):
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError(str(_l("Bitte eine Internetadresse, die mit https:// beginnt.")))


class OfferingForm(FlaskForm):
    title = StringField(
        _l("Titel"),
        validators=[InputRequired(_l("Bitte geben Sie einen Titel an.")), PlainText(TITLE_MAX)],
        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"},
    )
    description = TextAreaField(
        _l("Beschreibung"),
        validators=[PlainText(TEXT_MAX, multiline=True)],
        render_kw={"rows": 5, "maxlength": TEXT_MAX},
    )
    day = date_field(_l("Erster Termin (Datum)"))
    starts = time_field(_l("Beginn"), _l("Bitte geben Sie den Beginn an, z. B. 14:30."))
    ends = time_field(_l("Ende"), _l("Bitte geben Sie das Ende an, z. B. 16:00."))
    freq = frequency_field()
    interval = WholeNumberField(
        _l("Abstand in Wochen"),
        validators=[Optional(), NumberRange(2, MAX_INTERVAL, _l("Bitte eine Zahl von 2 bis 8."))],
    )
    ends_by = RadioField(
        _l("Wie lange?"),
        default="open",
        choices=choices([("open", _l("ohne Ende")), ("until", _l("bis zu einem Datum")), ("count", _l("so oft"))]),
    )
    until = date_field(_l("Letzter möglicher Termin"), required=False)
    count = WholeNumberField(
        _l("Anzahl der Termine"),
        validators=[Optional(), NumberRange(1, MAX_COUNT, _l("Bitte eine Zahl von 1 bis 500."))],
    )
    location = StringField(
        _l("Ort"), validators=[PlainText(PLACE_MAX)], render_kw={"maxlength": PLACE_MAX, "autocomplete": "off"}
    )
    district = SelectField(_l("Stadtteil"), default="", choices=[])
    # the choices are the shared vocabulary's, set for each form (set_terms)
    categories = CheckboxesField(_l("Was ist es?"), choices=[])
    audiences = CheckboxesField(_l("Für wen?"), choices=[])
    for_all = BooleanField(_l("Für alle"))
    accessibility = CheckboxesField(_l("Barrierefreiheit"), choices=[])
    free = BooleanField(_l("kostenlos"))
    cost = StringField(
        _l("Kosten"), validators=[PlainText(COST_MAX)], render_kw={"maxlength": COST_MAX, "autocomplete": "off"}
    )
    easy_language = TextAreaField(
        _l("Kurz in Leichter Sprache"),
        validators=[PlainText(EASY_MAX, multiline=True)],
        render_kw={"rows": 3, "maxlength": EASY_MAX},
    )
    url = StringField(
        _l("Internetseite"),
        validators=[PlainText(URL_MAX), _web_address],
        render_kw={"maxlength": URL_MAX, "inputmode": "url", "autocomplete": "off"},
    )
    picture = FileField(_l("Bild"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    picture_words = StringField(
        _l("Was ist auf dem Bild zu sehen?"),
        validators=[PlainText(PICTURE_WORDS_MAX)],
        render_kw={"maxlength": PICTURE_WORDS_MAX},
    )
    remove_picture = BooleanField(_l("Bild entfernen"))
    image_url = HiddenField()  # the picture a copy takes over from its source
    room = SelectField(_l("Raum aus der Raumbörse"), default="", choices=[])
    public = BooleanField(_l("Öffentlich im Kalender zeigen"), default=True)
    etag = HiddenField()

    REPEAT_FIELDS = {"once": (), "weekly": ("ends_by",), "nweekly": ("interval", "ends_by"), "monthly": ("ends_by",)}

    def __init__(
        self,
        *args,
        keep_rule: str = "",
        rooms: list[tuple[int, str]] | None = None,
        holding: OfferingDraft | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.set_terms(holding)
        self.keep_rule = keep_rule  # a rule only a calendar program can change (shown, kept)
        self.district.choices = choices([("", _l("wie der Partner"))] + [(d, d) for d in DISTRICTS])
        self.room.choices = choices([("", _l("kein Raum aus der Raumbörse"))] + [(str(i), n) for i, n in rooms or []])

    def set_terms(self, holding: OfferingDraft | None) -> None:
        """The vocabulary's active terms, and the retired ones the offering already holds (kept
        when it is saved again)."""
        words = vocabulary()
        categories, audiences, facts = (
            (holding.categories, holding.audiences, holding.accessibility) if holding else ((), (), ())
        )
        self.categories.choices = choices(
            (c, label("category", c)) for c in term_choices(words, "category", categories)
        )
        self.audiences.choices = choices((a, label("audience", a)) for a in audience_choices(words, audiences))
        self.accessibility.choices = choices(
            (a, label("access", a)) for a in term_choices(words, "accessibility", facts)
        )

    def validate(self, extra_validators=None) -> bool:
        """What a hidden repeat field holds is dropped; "alle n Wochen" needs its number, "bis"
        its day, "so oft" its number; the last day cannot lie before the first."""
        super().validate(extra_validators)
        used = () if self.keep_rule else self.REPEAT_FIELDS.get(self.freq.data or "", ())
        if "interval" not in used:
            self.interval.data, self.interval.errors = None, []
        if "ends_by" not in used:
            self.ends_by.data, self.ends_by.errors = "open", []
        if self.ends_by.data != "until":
            self.until.data, self.until.errors = None, []
        if self.ends_by.data != "count":
            self.count.data, self.count.errors = None, []
        if "interval" in used and self.interval.data is None and not self.interval.errors:
            self.interval.errors = [str(_l("Bitte geben Sie an, alle wie viele Wochen, z. B. 2."))]
        if self.ends_by.data == "until" and self.until.data is None and not self.until.errors:
            self.until.errors = [str(_l("Bitte geben Sie den letzten Tag an."))]
        if self.ends_by.data == "count" and self.count.data is None and not self.count.errors:
            self.count.errors = [str(_l("Bitte geben Sie an, wie oft, z. B. 10."))]
        if self.until.data and self.day.data and self.until.data < self.day.data:
            self.until.errors = [str(_l("Der letzte Tag liegt vor dem ersten Termin."))]
        if self.starts.data and self.ends.data and self.starts.data == self.ends.data:
            self.ends.errors = [str(_l("Das Ende muss nach dem Beginn liegen."))]
        return not self.errors

    def draft(self, image: str = "") -> OfferingDraft:
        freq = self.freq.data or "once"
        if self.keep_rule:
            repeat = Repeat("other", rule=self.keep_rule)
        else:
            kind = {"nweekly": "weekly"}.get(freq, freq)
            repeat = Repeat(kind, self.interval.data or 1, self.until.data, self.count.data)
        audiences = (FOR_EVERYONE,) if self.for_all.data else tuple(self.audiences.data or ())
        return OfferingDraft(
            title=self.title.data.strip(),
            day=self.day.data,
            starts=self.starts.data,
            ends=self.ends.data,
            repeat=repeat,
            description=(self.description.data or "").strip(),
            location=(self.location.data or "").strip(),
            district=self.district.data or "",
            categories=tuple(self.categories.data or ()),
            audiences=audiences,
            accessibility=tuple(self.accessibility.data or ()),
            cost="kostenlos" if self.free.data else (self.cost.data or "").strip(),
            easy_language=(self.easy_language.data or "").strip(),
            url=(self.url.data or "").strip(),
            public=bool(self.public.data),
            room_id=int(self.room.data) if (self.room.data or "").isdigit() else None,
            image=image,
            image_alt=(self.picture_words.data or "").strip() if image else "",
        )

    def fill(self, draft: OfferingDraft, etag: str = "") -> None:
        """The form as the stored offering is (GET of the edit page)."""
        repeat = draft.repeat
        self.title.data, self.description.data = draft.title, draft.description
        self.day.data, self.starts.data, self.ends.data = draft.day, draft.starts, draft.ends
        self.freq.data = "nweekly" if repeat.kind == "weekly" and repeat.interval > 1 else repeat.kind
        self.interval.data = repeat.interval if repeat.interval > 1 else None
        self.ends_by.data = "until" if repeat.until else "count" if repeat.count else "open"
        self.until.data, self.count.data = repeat.until, repeat.count
        self.location.data, self.district.data = draft.location, draft.district
        words = vocabulary()
        self.set_terms(draft)
        self.categories.data = list(words.known("category", draft.categories))
        audiences = words.known("audience", draft.audiences)
        self.for_all.data = FOR_EVERYONE in audiences
        self.audiences.data = [a for a in audiences if a != FOR_EVERYONE]
        self.accessibility.data = list(words.known("accessibility", draft.accessibility))
        self.free.data = draft.cost.casefold() in ("kostenlos", "kostenfrei", "eintritt frei", "gratis")
        self.cost.data = "" if self.free.data else draft.cost
        self.easy_language.data, self.url.data = draft.easy_language, draft.url
        self.public.data, self.etag.data = draft.public, etag
        self.room.data = str(draft.room_id) if draft.room_id is not None else ""
        self.image_url.data = draft.image
        self.picture_words.data = draft.image_alt


class DateChangeForm(FlaskForm):
    """One date of a series: cancelled, moved (another day or time) or back as the series has it."""

    what = RadioField(
        _l("Was ändert sich?"),
        default="cancel",
        choices=choices(
            [
                ("cancel", _l("Der Termin fällt aus")),
                ("move", _l("Der Termin findet anders statt")),
                ("restore", _l("Wie sonst auch")),
            ]
        ),
    )
    day = date_field(_l("Neues Datum"), required=False)
    starts = time_field(_l("Neuer Beginn"), _l("Bitte geben Sie den Beginn an, z. B. 14:30."))
    ends = time_field(_l("Neues Ende"), _l("Bitte geben Sie das Ende an, z. B. 16:00."))
    note = StringField(
        _l("Hinweis für die Besucher:innen"),
        validators=[PlainText(NOTE_MAX)],
        render_kw={"maxlength": NOTE_MAX, "autocomplete": "off"},
    )
    etag = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.what.data != "move":
            for name in ("day", "starts", "ends"):
                getattr(self, name).errors = []
        elif self.day.data is None and not self.day.errors:
            self.day.errors = [str(_l("Bitte geben Sie ein Datum an."))]
        return not self.errors

    def moved_day(self) -> date | None:
        return self.day.data if self.what.data == "move" else None
