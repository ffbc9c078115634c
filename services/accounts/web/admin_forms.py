"""The administration's forms. Field checks a person can fix at the field live here; what needs
the database (a taken slug, the last coordinator) comes back from the use case as a code."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, TelField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from shared.identity.models import DISTRICTS
from shared.identity.vocabulary import LABEL_MAX

from services.accounts.web.forms import ROLE_CHOICES, _address, _phone, _visible

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,59}$")
NO_PARTNER = 0  # the partner list's "none" (coordinators may have none)


def _slug(_form: FlaskForm, field: StringField) -> None:
    if not SLUG.match(field.data or ""):
        raise ValidationError(
            _l("2 bis 60 Zeichen: Kleinbuchstaben a–z, Ziffern und Bindestriche, am Anfang kein Bindestrich.")
        )


class AccountForm(FlaskForm):
    """Role and partner of someone else's account (the choices are set by the view)."""

    role = SelectField(_l("Rolle"), choices=ROLE_CHOICES)
    partner = SelectField(_l("Partner"), coerce=int, choices=[], validate_choice=False)


def _confirmed(message: str) -> BooleanField:
    return BooleanField(message, validators=[DataRequired(message=_l("Bitte bestätigen Sie das mit dem Häkchen."))])


class DeactivateAccountForm(FlaskForm):
    confirm = _confirmed(_l("Ja, dieses Konto deaktivieren"))


class DeactivatePartnerForm(FlaskForm):
    confirm = _confirmed(_l("Ja, diesen Partner und die Anmeldung seiner Konten deaktivieren"))


class PartnerForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Bitte den Namen eingeben.")), Length(max=200), _visible]
    )
    slug = StringField(
        _l("Kurzname in Adressen"),
        filters=[lambda v: (v or "").strip().lower()],
        validators=[DataRequired(message=_l("Bitte einen Kurznamen eingeben, z. B. mgh-lobeda.")), _slug],
    )
    district = SelectField(
        _l("Stadtteil"),
        choices=[SelectChoice(d, d) for d in DISTRICTS],
        validate_choice=False,
        validators=[DataRequired(message=_l("Bitte einen Stadtteil wählen."))],
    )
    address = StringField(_l("Adresse"), validators=[Optional(), Length(max=300), _visible])
    contact_email = EmailField(_l("E-Mail-Adresse für Anfragen"), validators=[Optional(), Length(max=254), _address])
    contact_phone = TelField(_l("Telefon"), validators=[Optional(), Length(max=32), _phone])
    logo = FileField(_l("Logo"), render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif"})
    remove_logo = BooleanField(_l("Logo entfernen"))

    def validate_district(self, field: SelectField) -> None:
        if field.data not in DISTRICTS:
            raise ValidationError(_l("Bitte einen Stadtteil aus der Liste wählen."))


def _label(name, message) -> StringField:
    return StringField(
        name,
        filters=[lambda v: " ".join((v or "").split())],
        validators=[DataRequired(message=message), Length(max=LABEL_MAX), _visible],
    )


class TermForm(FlaskForm):
    """A term's labels (the key is made from the German label when it is added, never again)."""

    label_de = _label(_l("Deutsch"), _l("Bitte den deutschen Begriff eingeben."))
    label_en = _label(_l("Englisch"), _l("Bitte den englischen Begriff eingeben."))


class NewTermForm(TermForm):
    kind = SelectField(_l("Liste"), choices=[], validate_choice=False)
