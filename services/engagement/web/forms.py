"""Web forms of the Engagementbörse (Flask-WTF, with CSRF: visitors without an account get a
session cookie for it). The search is a plain GET form and reads its arguments itself."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField

from services.engagement.domain import application as rules


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
