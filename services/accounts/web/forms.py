"""The account pages' forms. Field checks a person can fix at the field live here; what needs
the database (a taken address) comes back from the use case as a code (wording.py)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TelField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from shared.identity.models import LANGUAGES
from shared.identity.rules import MAX_PASSWORD, MIN_PASSWORD
from shared.text import has_control_characters

from services.accounts.domain import passwords, usernames

ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PHONE = re.compile(r"^\+?[0-9 ()/-]{3,32}$")
LANGUAGE_CHOICES = [SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]
assert tuple(c.value for c in LANGUAGE_CHOICES) == LANGUAGES
ROLE_CHOICES = [
    SelectChoice("staff", _l("Mitarbeiterin oder Mitarbeiter des Partners")),
    SelectChoice("coordination", _l("Koordinierungsstelle")),
]


def _address(_form: FlaskForm, field: EmailField) -> None:
    if not ADDRESS.match(field.data or ""):
        raise ValidationError(_l("Bitte eine E-Mail-Adresse wie name@beispiel.de eingeben."))


def _visible(_form: FlaskForm, field: StringField) -> None:
    if has_control_characters(field.data or ""):
        raise ValidationError(_l("Bitte nur sichtbaren Text eingeben, ohne Steuerzeichen."))


def _phone(_form: FlaskForm, field: TelField) -> None:
    if field.data and not PHONE.match(field.data):
        raise ValidationError(_l("Bitte nur Ziffern, Leerzeichen und + - / ( ) eingeben, z. B. 03641 123456."))


USERNAME_PROBLEMS = {
    "too_short": _l("Mindestens %(n)d Zeichen.", n=usernames.MIN_CHARS),
    "too_long": _l("Höchstens %(n)d Zeichen.", n=usernames.MAX_CHARS),
    "characters": _l(
        "Nur Kleinbuchstaben a–z, Ziffern, Punkt, Binde- und Unterstrich; am Anfang ein Buchstabe oder eine Ziffer."
    ),
}
PASSWORD_PROBLEMS = {
    passwords.TOO_SHORT: _l("Mindestens %(n)d Zeichen, z. B. drei Wörter mit Bindestrichen.", n=MIN_PASSWORD),
    passwords.TOO_LONG: _l("Höchstens %(n)d Zeichen.", n=MAX_PASSWORD),
    passwords.MISMATCH: _l("Die beiden Eingaben sind verschieden. Bitte zweimal dasselbe Passwort eingeben."),
}


def _username(_form: FlaskForm, field: StringField) -> None:
    if field.data and (problem := usernames.username_problem(field.data)):
        raise ValidationError(USERNAME_PROBLEMS[problem])


class InviteForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Bitte den Namen eingeben.")), Length(max=200), _visible],
    )
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(message=_l("Bitte die E-Mail-Adresse eingeben.")), Length(max=254), _address],
    )
    # the choices are the inviter's (invite.py); the permission rule decides, not the list
    partner = SelectField(_l("Partner"), coerce=int, choices=[], validate_choice=False)
    role = SelectField(
        _l("Rolle"),
        choices=ROLE_CHOICES,
    )
    language = SelectField(_l("Sprache der E-Mail und der Seiten"), choices=LANGUAGE_CHOICES)
    username = StringField(
        _l("Benutzername (freilassen: aus der E-Mail-Adresse)"),
        filters=[lambda v: (v or "").strip().lower()],
        validators=[Optional(), _username],
    )


def _new_password(_form: FlaskForm, field: PasswordField) -> None:
    problem = passwords.password_problem(field.data or "", field.data or "")
    if problem:
        raise ValidationError(PASSWORD_PROBLEMS[problem])


def _same_as_new(form: FlaskForm, field: PasswordField) -> None:
    if not form.password.errors and field.data != form.password.data:
        raise ValidationError(PASSWORD_PROBLEMS[passwords.MISMATCH])


def _current() -> PasswordField:
    return PasswordField(
        _l("Bisheriges Passwort"), validators=[DataRequired(message=_l("Bitte das bisherige Passwort eingeben."))]
    )


def _new() -> PasswordField:
    return PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(message=_l("Bitte ein Passwort eingeben.")), _new_password],
    )


def _repeated() -> PasswordField:
    return PasswordField(
        _l("Neues Passwort noch einmal"),
        validators=[DataRequired(message=_l("Bitte das Passwort wiederholen.")), _same_as_new],
    )


class NewPasswordForm(FlaskForm):
    password = _new()
    repeated = _repeated()


class ChangePasswordForm(FlaskForm):
    current = _current()
    password = _new()
    repeated = _repeated()


class ForgotForm(FlaskForm):
    name = StringField(
        _l("E-Mail-Adresse oder Benutzername"),
        validators=[
            DataRequired(message=_l("Bitte Ihre E-Mail-Adresse oder Ihren Benutzernamen eingeben.")),
            Length(max=254),
            _visible,
        ],
    )


class ContactForm(FlaskForm):
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(message=_l("Bitte die E-Mail-Adresse eingeben.")), Length(max=254), _address],
    )
    phone = TelField(_l("Telefon (für SMS, freiwillig)"), validators=[Optional(), Length(max=32), _phone])
    language = SelectField(_l("Sprache"), choices=LANGUAGE_CHOICES)
