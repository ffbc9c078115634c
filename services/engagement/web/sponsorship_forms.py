"""The forms of the Patenschaften pages (Flask-WTF, with CSRF). They only parse (a day as people
type it); the checks are the use case's (exchange/sponsorships.py), so one answer lists every
problem. The lengths here only keep browsers from sending more."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField

from shared.web.typed_fields import date_field

from services.engagement.domain import sponsorship as rules
from services.engagement.exchange.sponsorships import FAMILY_CONTACT_MAX, FAMILY_NAME_MAX


class FamilyForm(FlaskForm):
    partner = SelectField(_l("Partner"), choices=[], validate_choice=False)  # the office's choice only
    name = StringField(_l("Name der Familie"), render_kw={"maxlength": FAMILY_NAME_MAX, "autocomplete": "off"})
    contact = TextAreaField(
        _l("Kontakt (freiwillig)"), render_kw={"rows": 2, "maxlength": FAMILY_CONTACT_MAX, "autocomplete": "off"}
    )


class StartForm(FlaskForm):
    family = SelectField(_l("Familie"), choices=[], validate_choice=False)
    volunteer = SelectField(_l("Patin oder Pate"), choices=[], validate_choice=False)
    day = date_field(_l("Tag des Erstgesprächs"))


class AdvanceForm(FlaskForm):
    stage = RadioField(_l("Neue Stufe"), choices=[], validate_choice=False)
    day = date_field(_l("Seit wann?"))
    reason = SelectField(_l("Grund für das Ende (nur bei „beendet“)"), choices=[], validate_choice=False)


class NotesForm(FlaskForm):
    notes = TextAreaField(_l("Notizen"), render_kw={"rows": 8, "maxlength": rules.NOTES_MAX})
