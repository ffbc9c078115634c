"""Web forms of the Engagementbörse (Flask-WTF, with CSRF: visitors without an account get a
session cookie for it). The search is a plain GET form and reads its arguments itself."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired

from shared.web.typed_fields import choices, date_field

from services.engagement.domain import application as rules, certificate, hours as hour_rules


class OfferForm(FlaskForm):
    """'Ich möchte helfen'. The checks are the domain's (application_problems); the lengths
    here only keep browsers from sending more."""

    shift = RadioField(_l("Termin"), choices=[], validate_choice=False)
    name = StringField(_l("Ihr Name"), render_kw={"autocomplete": "name", "maxlength": rules.NAME_MAX})
    email = StringField(
        _l("E-Mail-Adresse"), render_kw={"type": "email", "autocomplete": "email", "maxlength": rules.EMAIL_MAX}
    )
    phone = StringField(
        _l("Telefon (freiwillig)"), render_kw={"type": "tel", "autocomplete": "tel", "maxlength": rules.PHONE_MAX}
    )
    availability = TextAreaField(
        _l("Wann können Sie? (freiwillig)"), render_kw={"rows": 2, "maxlength": rules.AVAILABILITY_MAX}
    )
    message = TextAreaField(_l("Nachricht (freiwillig)"), render_kw={"rows": 4, "maxlength": rules.MESSAGE_MAX})
    consent = BooleanField(
        _l(
            "Ich bin einverstanden, dass Treffpunkt Generationen Jena meine Angaben speichert und an den "
            "Partner dieses Angebots weitergibt, damit er sich bei mir meldet. Ich kann das jederzeit über "
            "den Link in den E-Mails widerrufen und meine Daten löschen lassen."
        )
    )


class ConfirmForm(FlaskForm):
    """One button: a link in an email is opened by mail scanners too, so only a click confirms."""


class ActionForm(FlaskForm):
    """A button on the volunteer's page (withdraw, delete): the CSRF token is all it carries."""


class InterestForm(FlaskForm):
    """'Sagen Sie mir Bescheid': the facets are read from the request (web/public.chosen)."""

    name = StringField(_l("Ihr Name"), render_kw={"autocomplete": "name", "maxlength": rules.NAME_MAX})
    email = StringField(
        _l("E-Mail-Adresse"), render_kw={"type": "email", "autocomplete": "email", "maxlength": rules.EMAIL_MAX}
    )
    consent = BooleanField(
        _l(
            "Ich bin einverstanden, dass Treffpunkt Generationen Jena meine Angaben speichert, mir passende "
            "Angebote per E-Mail schickt und Partnern mit einem passenden Angebot meinen Namen und meine "
            "E-Mail-Adresse zeigt, damit sie mich ansprechen können. Ich kann das jederzeit über den Link in "
            "den E-Mails beenden und meine Daten löschen lassen."
        )
    )


_HOURS = re.compile(r"^\s*(\d{1,2})(?:[,.](\d{1,2})|:(\d{2}))?\s*(?:h|std\.?|stunden?)?\s*$", re.IGNORECASE)


def minutes_of(text: str) -> int | None:
    """'2' -> 120, '2,5' -> 150, '1:30' -> 90, '1.25 Std.' -> 75; None when it is no duration."""
    found = _HOURS.match(text or "")
    if not found:
        return None
    whole, fraction, clock = found.groups()
    if clock is not None:
        return int(whole) * 60 + int(clock) if int(clock) < 60 else None
    return int(whole) * 60 + (round(float("0." + fraction) * 60) if fraction else 0)


class HoursForm(FlaskForm):
    day = date_field(_l("Tag"))
    hours = StringField(
        _l("Stunden"),
        validators=[InputRequired(_l("Bitte geben Sie die Stunden an, z. B. 2 oder 1,5."))],
        render_kw={"inputmode": "decimal", "size": 6, "maxlength": 20, "autocomplete": "off"},
    )
    note = StringField(_l("Notiz (freiwillig)"), render_kw={"maxlength": hour_rules.NOTE_MAX})


class CertificateForm(FlaskForm):
    seen_on = date_field(_l("Gesehen am"))
    seen_by = StringField(_l("Gesehen von"), render_kw={"maxlength": certificate.SEEN_BY_MAX, "autocomplete": "name"})


class ShiftMessageForm(FlaskForm):
    audience = RadioField(
        _l("An wen"),
        choices=choices([("confirmed", _l("alle mit festem Platz")), ("everyone", _l("auch alle auf der Warteliste"))]),
        default="confirmed",
    )
    subject = StringField(_l("Betreff"), render_kw={"maxlength": 120})
    text = TextAreaField(_l("Nachricht"), render_kw={"rows": 6, "maxlength": 3000})
    sms = BooleanField(_l("Zusätzlich als SMS an alle mit Handynummer (höchstens 300 Zeichen)"))


class LinkForm(FlaskForm):
    """'Link verloren?': the address to send the volunteer's own link to."""

    email = StringField(
        _l("E-Mail-Adresse"), render_kw={"type": "email", "autocomplete": "email", "maxlength": rules.EMAIL_MAX}
    )
