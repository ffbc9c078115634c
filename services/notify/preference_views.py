"""The notification settings page: logged in at /notify/preferences, or without a password
through the signed link in every email footer (/notify/preferences/<token>)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from shared.auth import current_account, identity, login_required
from shared.web.request_db import db, unit_of_work

from services.notify import preferences, settings as notify_settings
from services.notify.domain.phone import InvalidPhone, to_e164
from services.notify.domain.preferences import KINDS, LEAD_OPTIONS, Preferences, choice_for

bp = Blueprint("notify_preferences", __name__, url_prefix="/notify/preferences", template_folder="templates")

CHOICE_LABELS = [
    SelectChoice("email", _l("E-Mail")),
    SelectChoice("sms", _l("SMS")),
    SelectChoice("both", _l("E-Mail und SMS")),
    SelectChoice("none", _l("keine")),
]
LEAD_LABELS = {
    120: _l("2 Stunden vorher"),
    1440: _l("1 Tag vorher (gleiche Uhrzeit)"),
    2880: _l("2 Tage vorher (gleiche Uhrzeit)"),
    None: _l("keine Erinnerung"),
}
KIND_LABELS = {
    "requested": _l("Jemand fragt einen Ihrer Räume an"),
    "approved": _l("Ihre Anfrage wurde freigegeben"),
    "declined": _l("Ihre Anfrage wurde abgelehnt"),
    "confirmed": _l("Ihre Buchung ist bestätigt"),
    "changed": _l("Eine Buchung wurde geändert"),
    "cancelled": _l("Eine Buchung wurde abgesagt"),
    "reminder": _l("Erinnerung vor einem Termin"),
}


def _lead_key(lead: int | None) -> str:
    return "none" if lead is None else str(lead)


class PreferencesForm(FlaskForm):
    language = SelectField(
        _l("Sprache der Nachrichten"), choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]
    )
    lead = SelectField(
        _l("Erinnerung vor jedem gebuchten Termin"),
        choices=[SelectChoice(_lead_key(v), LEAD_LABELS[v]) for v in LEAD_OPTIONS],
    )


for _kind in KINDS:
    setattr(PreferencesForm, f"kind_{_kind}", SelectField(KIND_LABELS[_kind], choices=CHOICE_LABELS))


def _sms_number(phone: str) -> str | None:
    """The number SMS go to, as the gateway gets it; None when it cannot take SMS."""
    try:
        return to_e164(phone)
    except InvalidPhone:
        return None


def _page(account, action: str):
    """Show and save the settings of `account` (a Principal)."""
    has_phone = bool(account.phone)
    form = PreferencesForm()
    if request.method == "GET":
        stored = preferences.load(db(), account.account_id)
        form.language.data = stored.language or (account.language if account.language in ("de", "en") else "de")
        form.lead.data = _lead_key(stored.lead_minutes)
        for kind in KINDS:
            form[f"kind_{kind}"].data = choice_for(stored, kind, has_phone)
    elif form.validate_on_submit():
        lead = None if form.lead.data == "none" else int(form.lead.data)
        chosen = Preferences(
            choices={k: form[f"kind_{k}"].data for k in KINDS}, lead_minutes=lead, language=form.language.data
        )
        with unit_of_work() as session:
            preferences.save(session, account.account_id, chosen)
        flash(_("Ihre Einstellungen sind gespeichert. Sie gelten ab der nächsten Nachricht."))
        return redirect(action), 303
    errors = []
    if form.errors:
        errors.append(
            _("Bitte wählen Sie in jedem Feld einen Eintrag aus der Liste und senden Sie das Formular erneut.")
        )
    fields = [(form[f"kind_{k}"], k) for k in KINDS]
    status = 400 if errors else 200
    return render_template(
        "notify/preferences.html",
        form=form,
        fields=fields,
        account=account,
        has_phone=has_phone,
        sms_number=_sms_number(account.phone) if has_phone else None,
        action=action,
        errors=errors,
    ), status


@bp.route("", methods=["GET", "POST"])
@login_required
def own():
    return _page(current_account(), url_for("notify_preferences.own"))


@bp.route("/<token>", methods=["GET", "POST"])
def by_link(token: str):
    max_age = notify_settings.current().preferences_link_days * 86400
    try:
        account_id = preferences.account_of(current_app.config["SETTINGS"].secret_key, token[:500], max_age)
        account = identity().principal(account_id)
        if account is None:
            raise preferences.LinkInvalid(token)
    except preferences.LinkExpired:
        return _bad_link(
            _(
                "Dieser Link ist abgelaufen. Bitte nutzen Sie den Link aus einer neueren E-Mail "
                "oder melden Sie sich an."
            ),
            410,
        )
    except preferences.LinkInvalid:
        return _bad_link(
            _("Dieser Link ist ungültig. Bitte kopieren Sie ihn vollständig aus der E-Mail oder melden Sie sich an."),
            400,
        )
    response = current_app.make_response(_page(account, url_for("notify_preferences.by_link", token=token)))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    response.headers["Cache-Control"] = "no-store"
    return response


def _bad_link(message: str, status: int):
    return render_template(
        "notify/preferences_link.html",
        message=message,
        login=url_for("web.login", next=url_for("notify_preferences.own")),
    ), status
