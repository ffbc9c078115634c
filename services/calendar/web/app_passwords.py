"""A person's own app passwords: calendar programs and API scripts log in with these, never
with the web password. One per device, so a lost phone costs only its own password: create
(the secret is shown once, only its hash is kept), see when each was last used, revoke."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, ValidationError
from wtforms.validators import DataRequired, Length

from shared.auth import current_account, identity, login_required
from shared.text import has_control_characters

bp = Blueprint("app_passwords", __name__, url_prefix="/calendar/app-passwords", template_folder="../templates")
MAX_PER_ACCOUNT = 20  # a person has a few devices; a bound keeps the login check (one hash each) short


def _visible_text(form, field):
    if has_control_characters(field.data or ""):
        raise ValidationError(_l("Bitte nur sichtbaren Text eingeben, ohne Steuerzeichen."))


class NewAppPassword(FlaskForm):
    label = StringField(
        _l("Wofür? (z. B. „Thunderbird im Büro“ oder „Handy“)"),
        validators=[
            DataRequired(message=_l("Bitte geben Sie an, wofür das App-Passwort ist.")),
            Length(max=100, message=_l("Höchstens 100 Zeichen.")),
            _visible_text,
        ],
    )


def _page(form: NewAppPassword, status: int = 200, error: str | None = None, created: dict | None = None):
    me = current_account()
    assert me is not None  # every caller is login_required
    response = current_app.make_response(
        (
            render_template(
                "calendar/app_passwords.html",
                form=form,
                error=error,
                created=created,
                passwords=identity().app_passwords(me.account_id),
                username=me.username,
                dav_url=current_app.config["SETTINGS"].public_url.rstrip("/") + "/dav/",
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # a new secret must not stay in a cache
    return response


@bp.get("/")
@login_required
def index():
    return _page(NewAppPassword(formdata=None))


@bp.post("/")
@login_required
def create():
    form = NewAppPassword()
    if not form.validate():
        return _page(form, 400)
    me = current_account()
    assert me is not None  # login_required
    if len(identity().app_passwords(me.account_id)) >= MAX_PER_ACCOUNT:
        return _page(
            form,
            409,
            _(
                "Sie haben schon %(n)d App-Passwörter. Entziehen Sie erst eines, das Sie nicht mehr brauchen.",
                n=MAX_PER_ACCOUNT,
            ),
        )
    label = form.label.data.strip()
    secret = identity().create_app_password(me.username, label)
    return _page(NewAppPassword(formdata=None), 201, created={"label": label, "secret": secret})


@bp.post("/<int:password_id>/revoke")
@login_required
def revoke(password_id: int):
    me = current_account()
    assert me is not None  # login_required
    if not identity().revoke_app_password(me.account_id, password_id):
        abort(404)  # someone else's looks the same as a missing one
    flash(_("Das App-Passwort ist entzogen; Programme, die es benutzen, werden nicht mehr angemeldet."))
    return redirect(url_for("app_passwords.index"), 303)
