"""/account/: one's own account: password, contact and language, the running logins (each can
be ended), and the way to the app passwords."""

from __future__ import annotations

import math

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, refresh
from flask_wtf import FlaskForm

from shared.auth import SESSION_TOKEN, TooManyFailures, current_account, identity, login_required, throttled
from shared.identity.store import AccountClosed, Principal
from shared.web.login import begin_session

from services.accounts import own_account, settings
from services.accounts.domain.browsers import describe
from services.accounts.domain.permissions import can_list_accounts, can_open_invitations
from services.accounts.errors import Refused
from services.accounts.invitation import actor_of
from services.accounts.web.forms import ChangePasswordForm, ContactForm
from services.accounts.web.wording import REFUSALS

bp = Blueprint("own", __name__, url_prefix="/account", template_folder="../templates")


def _me() -> Principal:
    me = current_account()
    assert me is not None  # every view here is login_required
    return me


def _page(
    password: FlaskForm | None = None, contact: FlaskForm | None = None, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    me = _me()
    token = session.get(SESSION_TOKEN)
    logins = [
        {**s, "browser": describe(s["user_agent"])}
        for s in identity().web_sessions(me.account_id, token if isinstance(token, str) else None)
    ]
    actor = actor_of(me)
    page = render_template(
        "accounts/own.html",
        me=me,
        password=password or ChangePasswordForm(prefix="pw", formdata=None),
        contact=contact
        or ContactForm(
            prefix="contact", formdata=None, data=dict(email=me.email, phone=me.phone, language=me.language)
        ),
        error=error,
        logins=logins,
        may_invite=can_open_invitations(actor, settings.current().policy),
        may_list=can_list_accounts(actor),
    )
    return page, status, {"Cache-Control": "no-store"}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/password")
@login_required
def change_password() -> ResponseReturnValue:
    me = _me()
    form = ChangePasswordForm(prefix="pw")
    if not form.validate():
        return _page(password=form, status=400)
    try:
        known = throttled(me.username, lambda: identity().check_password(me.username, form.current.data))
    except TooManyFailures as exc:
        minutes = math.ceil(exc.seconds / 60)
        form.current.errors.append(
            _(
                "Zu viele falsche Eingaben. Bitte warten Sie %(num)s Minuten und versuchen Sie es dann noch einmal.",
                num=minutes,
            )
        )
        return _page(password=form, status=429)
    except AccountClosed:  # closed by the office a moment ago
        abort(403)
    if known is None:
        form.current.errors.append(_("Das bisherige Passwort stimmt nicht."))
        return _page(password=form, status=400)
    own_account.change_password(current_app.extensions["db"], me.account_id, form.password.data)  # ends every login
    begin_session(me.account_id)
    flash(_("Ihr neues Passwort gilt. Auf allen anderen Geräten sind Sie jetzt abgemeldet."))
    return redirect(url_for("own.index"), 303)


@bp.post("/contact")
@login_required
def change_contact() -> ResponseReturnValue:
    me = _me()
    form = ContactForm(prefix="contact")
    if not form.validate():
        return _page(contact=form, status=400)
    try:
        own_account.change_contact(
            current_app.extensions["db"],
            me.account_id,
            form.email.data.strip(),
            (form.phone.data or "").strip(),
            form.language.data,
        )
    except Refused as refused:
        getattr(form, refused.field or "email").errors.append(REFUSALS.get(refused.code, refused.code))
        return _page(contact=form, status=409)
    g.pop("account", None)  # read again, with the language just chosen …
    refresh()  # … for the words below
    flash(_("Ihre Angaben sind gespeichert."))
    return redirect(url_for("own.index"), 303)


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int) -> ResponseReturnValue:
    me = _me()
    if not identity().end_web_session(me.account_id, session_id):
        abort(404)  # someone else's looks the same as one that has ended
    flash(_("Diese Anmeldung ist beendet."))
    return redirect(url_for("own.index"), 303)
