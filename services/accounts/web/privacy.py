"""/account/privacy/: an account's data protection rights (DSGVO). A person asks for their own
export on /account/ and downloads it here (JSON and a readable page, 7 days); the office asks
for anyone's, and erases an account after a confirmation that says what happens."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from shared.auth import current_account, login_required
from shared.web.moments import local_moment

from services.accounts.domain.permissions import Actor
from services.accounts.domain.privacy import can_export, can_look_after
from services.accounts.errors import Refused
from services.accounts.invitation import actor_of
from services.accounts.privacy import erase as erasing, export as exporting, records
from services.accounts.web.privacy_wording import FIELDS, REFUSALS, SECTIONS, SERVICES

bp = Blueprint("privacy", __name__, url_prefix="/account/privacy", template_folder="../templates")
NO_STORE = {"Cache-Control": "no-store"}
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def shown(value: Any) -> str:
    """One plain value of an export as the readable page writes it: moments in local time."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, str) and MOMENT.match(value):
        try:
            return local_moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class EraseForm(FlaskForm):
    understood = BooleanField(
        _l("Ich habe verstanden, dass das Konto nicht wiederhergestellt werden kann."),
        validators=[DataRequired(_l("Bitte bestätigen Sie, dass Sie das Konto wirklich löschen wollen."))],
    )


@bp.app_template_filter("services_named")
def services_named(services: list[str]) -> str:
    """The services an export or erasure still waits for (or missed), in the reader's words."""
    return ", ".join(str(SERVICES.get(s, s)) for s in services)


def _actor() -> Actor:
    actor = actor_of(current_account())
    assert actor is not None  # every view here is login_required
    return actor


def _office() -> Actor:
    actor = _actor()
    if not can_look_after(actor):
        abort(403)
    return actor


def _factory():
    return current_app.extensions["db"]


def _ask_export(account_id: int) -> ResponseReturnValue:
    try:
        request_id = exporting.ask(_factory(), _actor(), account_id)
    except Refused as refused:
        abort(403 if refused.code == "not_allowed" else 404)
    flash(_("Ihre Daten werden zusammengestellt. Das dauert meist nur einen Augenblick."))
    return redirect(url_for("privacy.export", request_id=request_id), 303)


@bp.post("/export")
@login_required
def export_own() -> ResponseReturnValue:
    return _ask_export(_actor().account_id)


def _export_or_abort(request_id: int, ready: bool = False) -> exporting.Export:
    """`ready`: one still being gathered, or deleted, sends the reader to its page, which says so."""
    found = exporting.read(_factory(), request_id)
    if found is None or not can_export(_actor(), found.account_id):
        abort(404)  # someone else's looks the same as none
    if ready and found.document is None:
        abort(redirect(url_for("privacy.export", request_id=request_id), 303))
    return found


@bp.get("/exports/<int:request_id>")
@login_required
def export(request_id: int) -> ResponseReturnValue:
    found = _export_or_abort(request_id)
    status = 410 if found.deleted else 200
    page = render_template("accounts/privacy_export.html", export=found, services=SERVICES)
    return page, status, NO_STORE


@bp.get("/exports/<int:request_id>/data.json")
@login_required
def export_json(request_id: int) -> ResponseReturnValue:
    found = _export_or_abort(request_id, ready=True)
    body = json.dumps(found.document, ensure_ascii=False, indent=2)
    headers = {
        **NO_STORE,
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": f'attachment; filename="treffpunkt-daten-{request_id}.json"',
    }
    return body, 200, headers


@bp.get("/exports/<int:request_id>/readable")
@login_required
def export_readable(request_id: int) -> ResponseReturnValue:
    found = _export_or_abort(request_id, ready=True)
    page = render_template(
        "accounts/privacy_readable.html",
        export=found,
        services=SERVICES,
        sections=SECTIONS,
        fields=FIELDS,
        shown=shown,
    )
    return page, 200, NO_STORE


@bp.get("/")
@login_required
def people() -> ResponseReturnValue:
    _office()
    return render_template("accounts/privacy_people.html", people=records.people(_factory())), 200, NO_STORE


def _person_or_404(account_id: int) -> records.Person:
    found = records.person(_factory(), account_id)
    if found is None:
        abort(404)
    return found


@bp.get("/accounts/<int:account_id>")
@login_required
def person(account_id: int) -> ResponseReturnValue:
    _office()
    found = _person_or_404(account_id)
    history = records.records_of(_factory(), account_id)
    erased = next((r for r in history if r.kind == "erase"), None)
    page = render_template(
        "accounts/privacy_person.html", person=found, history=history, erased=erased, services=SERVICES
    )
    return page, 200, NO_STORE


@bp.post("/accounts/<int:account_id>/export")
@login_required
def export_for(account_id: int) -> ResponseReturnValue:
    _office()
    return _ask_export(account_id)


def _erase_page(
    found: records.Person, form: EraseForm, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template("accounts/privacy_erase.html", person=found, form=form, error=error)
    return page, status, NO_STORE


@bp.get("/accounts/<int:account_id>/erase")
@login_required
def erase_confirm(account_id: int) -> ResponseReturnValue:
    _office()
    return _erase_page(_person_or_404(account_id), EraseForm(formdata=None))


@bp.post("/accounts/<int:account_id>/erase")
@login_required
def erase(account_id: int) -> ResponseReturnValue:
    actor = _office()
    found = _person_or_404(account_id)
    form = EraseForm()
    if not form.validate():
        return _erase_page(found, form, status=400)
    try:
        erasing.erase(_factory(), actor, account_id)
    except Refused as refused:
        return _erase_page(found, form, error=str(REFUSALS.get(refused.code, refused.code)), status=409)
    flash(_("Das Konto ist gelöscht. Die anderen Teile des Systems bestätigen es gleich."))
    return redirect(url_for("privacy.person", account_id=account_id), 303)
