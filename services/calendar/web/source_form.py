"""The source form (WTForms): where the calendar is kept (an ICS/webcal address, or a CalDAV
calendar with user name and app password), its name here, how often it is pulled, and the
defaults for its events; read from and turned into a SourceDraft."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired

from shared.identity.models import DISTRICTS
from shared.web.typed_fields import CheckboxesField, PlainText, choices

from services.calendar.domain.source_draft import (
    DEFAULT_INTERVAL,
    URL_MAX,
    SourceDefaults,
    SourceDraft,
    SourceProblem,
    source_url,
)
from services.calendar.public.words import audience_choices, label, term_choices, vocabulary
from services.calendar.store.sql_sources import SourceInfo

NAME_MAX, USER_MAX, PASSWORD_MAX = 200, 200, 500
INTERVALS = ((15, _l("alle 15 Minuten")), (30, _l("alle 30 Minuten")), (60, _l("jede Stunde")),
             (180, _l("alle 3 Stunden")), (360, _l("alle 6 Stunden")), (720, _l("alle 12 Stunden")),
             (1440, _l("einmal am Tag")))  # fmt: skip


class SourceForm(FlaskForm):
    kind = RadioField(
        _l("Art des Kalenders"),
        default="ics",
        choices=choices(
            [
                ("ics", _l("ICS-Adresse (auch webcal://) – z. B. von Google, Outlook oder Ihrer Internetseite")),
                ("caldav", _l("CalDAV-Kalender mit Benutzername und App-Passwort – z. B. Nextcloud")),
            ]
        ),
    )
    url = StringField(
        _l("Adresse des Kalenders"),
        validators=[InputRequired(_l("Bitte geben Sie die Adresse des Kalenders an."))],
        render_kw={"maxlength": URL_MAX, "inputmode": "url", "autocomplete": "off", "spellcheck": "false"},
    )
    username = StringField(
        _l("Benutzername (nur CalDAV)"),
        validators=[PlainText(USER_MAX)],
        render_kw={"maxlength": USER_MAX, "autocomplete": "off", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("App-Passwort (nur CalDAV)"),
        render_kw={"maxlength": PASSWORD_MAX, "autocomplete": "new-password"},
    )
    name = StringField(
        _l("Name des Kalenders in Treffpunkt"),
        validators=[InputRequired(_l("Bitte geben Sie dem Kalender einen Namen.")), PlainText(NAME_MAX)],
        render_kw={"maxlength": NAME_MAX, "autocomplete": "off"},
    )
    interval = SelectField(_l("Wie oft abrufen?"), default=str(DEFAULT_INTERVAL), choices=[])
    visibility = RadioField(
        _l("Was ist öffentlich zu sehen?"),
        default="all",
        choices=choices(
            [
                ("all", _l("alle Termine")),
                ("marked", _l("nur Termine, die im Kalender als „öffentlich“ markiert sind")),
            ]
        ),
    )
    categories = CheckboxesField(_l("Was ist es? (wenn der Termin nichts sagt)"), choices=[])
    audiences = CheckboxesField(_l("Für wen? (wenn der Termin nichts sagt)"), choices=[])
    district = SelectField(_l("Stadtteil"), default="", choices=[])
    accessibility = CheckboxesField(_l("Barrierefreiheit (wenn der Termin nichts sagt)"), choices=[])

    def __init__(self, *args, source: SourceInfo | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        words = vocabulary()
        held = (source.categories, source.audiences, source.accessibility) if source else ((), (), ())
        self.categories.choices = choices((c, label("category", c)) for c in term_choices(words, "category", held[0]))
        self.audiences.choices = choices((a, label("audience", a)) for a in audience_choices(words, held[1]))
        self.accessibility.choices = choices(
            (a, label("access", a)) for a in term_choices(words, "accessibility", held[2])
        )
        self.district.choices = choices([("", _l("wie der Partner"))] + [(d, d) for d in DISTRICTS])
        self.interval.choices = choices((str(m), text) for m, text in INTERVALS)

    def fill(self, source: SourceInfo) -> None:
        self.name.data, self.kind.data, self.url.data = source.calendar_name, source.kind, source.url
        self.username.data = source.username
        self.interval.data = str(source.interval_minutes)
        self.visibility.data = "all" if source.all_public else "marked"
        self.categories.data, self.audiences.data = list(source.categories), list(source.audiences)
        self.accessibility.data, self.district.data = list(source.accessibility), source.district

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.url.data and not self.url.errors:
            try:
                self.url.data = source_url(self.kind.data or "", self.url.data)
            except SourceProblem as exc:
                self.url.errors = [str(exc)]
        if self.kind.data == "caldav":
            if not (self.username.data or "").strip():
                self.username.errors = [str(_l("Bitte geben Sie den Benutzernamen für den CalDAV-Kalender an."))]
            keeps = self.source is not None and self.source.has_password
            if not self.password.data and not keeps:
                self.password.errors = [
                    str(_l("Bitte geben Sie das App-Passwort an (in Nextcloud: Einstellungen › Sicherheit)."))
                ]
        if len(self.password.data or "") > PASSWORD_MAX:
            self.password.errors = [str(_l("Das Passwort ist zu lang."))]
        return not self.errors

    def draft(self) -> SourceDraft:
        caldav = self.kind.data == "caldav"
        return SourceDraft(
            kind=self.kind.data or "ics",
            url=self.url.data or "",
            name=(self.name.data or "").strip(),
            username=(self.username.data or "").strip() if caldav else "",
            interval_minutes=int(self.interval.data or DEFAULT_INTERVAL),
            defaults=SourceDefaults(
                categories=tuple(self.categories.data or ()),
                audiences=tuple(self.audiences.data or ()),
                district=self.district.data or "",
                accessibility=tuple(self.accessibility.data or ()),
                all_public=self.visibility.data != "marked",
            ),
        )
