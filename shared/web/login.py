"""The login form and logging out, the same for every service (`/<service>/login`, `/logout`).

Who is asking is decided in shared.auth; this is the page that starts a login session (a row in
the identity database, its token in the signed cookie) and the button that ends it.

A correct password of an account with a second factor starts no session: the cookie only
remembers a half-done login (which account, since when, where to go next) and the account pages
ask for the code (/account/login/code), or, where the operator requires a second factor and the
account has none yet, lead to setting one up (/account/two-factor/setup). Only then does
begin_session run. A half-done login is worth nothing elsewhere and runs out after a few minutes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, lazy_gettext as _l, ngettext, refresh
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from shared.auth import SESSION_TOKEN, TooManyFailures, identity, session_account, throttled
from shared.clock import utcnow
from shared.identity.store import AccountClosed, Principal

HALF_LOGIN = "half_login"  # the key in the signed cookie
CODE_STEP, SETUP_STEP = "/account/login/code", "/account/two-factor/setup"
# Typing a code takes a minute; setting up an app for the first time may take a good while longer.
CODE_MINUTES, SETUP_MINUTES = 5, 20


class LoginForm(FlaskForm):  # type: ignore[misc]  # flask_wtf has no type hints: FlaskForm is Any to mypy
    username = StringField(_l("Benutzername"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(), Length(max=200)])


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths, so the login form cannot be used to redirect elsewhere."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def begin_session(account_id: int) -> None:
    """Log this browser in (the login form, a password set from an emailed link)."""
    session.clear()  # nothing of an earlier visitor's session carries over into this login
    session[SESSION_TOKEN] = identity().start_session(account_id, request.user_agent.string)
    session.permanent = True


@dataclass(frozen=True)
class HalfLogin:
    """A correct password whose login waits for a code (or, `setup`, for a second factor to be
    set up first)."""

    account_id: int
    next: str
    setup: bool


def start_login(principal: Principal, next_path: str) -> str | None:
    """After a correct password (the login form, a password set from an emailed link): the web
    session begins and None is returned, or the address of the step the login still needs."""
    if identity().has_second_factor(principal.account_id):
        setup = False
    elif current_app.config["SETTINGS"].require_totp_for_coordination and principal.is_coordination:
        setup = True
    else:
        begin_session(principal.account_id)
        return None
    session.clear()  # no earlier login of this browser stays usable meanwhile
    session[HALF_LOGIN] = {
        "account": principal.account_id,
        "at": int(utcnow().timestamp()),
        "next": next_path,
        "setup": setup,
    }
    return SETUP_STEP if setup else CODE_STEP


def half_login() -> HalfLogin | None:
    """This browser's half-done login, if it has not run out."""
    held = session.get(HALF_LOGIN)
    if not isinstance(held, dict):
        return None
    half = HalfLogin(int(held["account"]), str(held["next"]), bool(held["setup"]))
    minutes = SETUP_MINUTES if half.setup else CODE_MINUTES
    if utcnow().timestamp() - int(held["at"]) > minutes * 60:
        session.pop(HALF_LOGIN)
        return None
    return half


def finish_login(half: HalfLogin) -> str:
    """The second step is done: the session begins; returns where the person wanted to go."""
    begin_session(half.account_id)
    return half.next


def too_many(seconds: int) -> str:
    """The answer when the throttle says wait (shared.identity.throttle)."""
    message: str = ngettext(
        "Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie %(num)s Minute und versuchen Sie es dann noch einmal.",
        "Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie %(num)s Minuten und versuchen Sie es dann noch einmal.",
        math.ceil(seconds / 60),
    )
    return message


def login_view(service: str) -> ResponseReturnValue:
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("login.html", form=form, error=None), (400 if form.errors else 200)
    name = form.username.data.strip()
    try:
        principal = throttled(name, lambda: identity().check_password(name, form.password.data))
    except TooManyFailures as exc:
        error = too_many(exc.seconds)
        return render_template("login.html", form=form, error=error), 429, {"Retry-After": str(exc.seconds)}
    except AccountClosed as closed:  # only said to whoever typed the right password
        return render_template("login.html", form=form, error=_closed_message(closed)), 403
    if principal is None:
        return render_template("login.html", form=form, error=_("Benutzername oder Passwort ist falsch.")), 401
    target = safe_next(request.args.get("next"), f"/{service}/")
    if step := start_login(principal, target):
        return redirect(step)
    g.account = principal
    refresh()  # the rest of this request (the greeting) in the account's language
    flash(_("Angemeldet als %(name)s.", name=principal.display_name))
    return redirect(target)


def _closed_message(closed: AccountClosed) -> str:
    if closed.by_partner:
        message = _(
            "Ihr Partner ist im Netzwerk zurzeit deaktiviert, und damit auch die Anmeldung mit Ihrem Konto. "
            "Bitte wenden Sie sich an die Koordinierungsstelle."
        )
    else:
        message = _(
            "Ihr Konto ist deaktiviert; eine Anmeldung ist nicht mehr möglich. "
            "Wenn Sie es wieder brauchen, wenden Sie sich bitte an die Koordinierungsstelle."
        )
    return str(message)


def logout_view() -> ResponseReturnValue:
    """Ends this session on the server (a copy of the cookie is worthless afterwards), or with
    `everywhere` every session of the account."""
    token, account = session.get(SESSION_TOKEN), session_account()
    if account is not None and request.form.get("everywhere"):
        identity().end_sessions(account.account_id)
        message = _("Sie sind jetzt überall abgemeldet, auf allen Geräten.")
    else:
        if isinstance(token, str):
            identity().end_session(token)
        message = _("Sie sind abgemeldet.")
    session.clear()
    flash(message)
    return redirect(url_for("web.login"))
