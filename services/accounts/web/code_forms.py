"""The forms of the second factor: a code (from the app, or a recovery code where it counts),
and switching it off with the password and a code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from services.accounts.web.forms import _current

CODE_CHARS = 40  # a recovery code with spaces and dashes is shorter; more is no code


def _code(label: str) -> StringField:
    return StringField(
        label,
        filters=[lambda v: (v or "").strip()],
        validators=[DataRequired(message=_l("Bitte den Code eingeben.")), Length(max=CODE_CHARS)],
    )


class AppCodeForm(FlaskForm):
    """Setting up: only a code from the app proves the app has the secret."""

    code = _code(_l("Code aus der App (6 Ziffern)"))


class CodeForm(FlaskForm):
    """Logging in, new recovery codes: a code from the app or a recovery code."""

    code = _code(_l("Code aus der App oder Wiederherstellungscode"))


class SwitchOffForm(FlaskForm):
    current = _current()  # the password, as when changing it
    code = _code(_l("Code aus der App oder Wiederherstellungscode"))
