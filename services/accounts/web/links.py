"""The pages behind the links in the mails: /account/welcome/<token> (an invitation) and
/account/reset/<token> (a forgotten password). Both set a password with the link, once, and log
the person in, unless the account has a second factor (then its code is asked first: a reset
link must not open an account whose app someone else holds) or must set one up first; a link
that cannot be used any more says why and what to do."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from shared.auth import identity
from shared.web.login import start_login

from services.accounts import password_links
from services.accounts.domain.links import INVITE, OPEN, RESET
from services.accounts.errors import Refused
from services.accounts.web.forms import NewPasswordForm
from services.accounts.web.wording import LINK_STATES

bp = Blueprint("links", __name__, url_prefix="/account", template_folder="../templates")


def _unusable(purpose: str, state: str) -> ResponseReturnValue:
    # 410: the link existed and is spent; 404: we never knew it
    status = 404 if state == "unknown" else 410
    return render_template("accounts/link_unusable.html", purpose=purpose, reason=LINK_STATES[state]), status


def _set_password(purpose: str, token: str) -> ResponseReturnValue:
    factory = current_app.extensions["db"]
    view = password_links.look(factory, token, purpose)
    if view.state != OPEN:
        return _unusable(purpose, view.state)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        page = render_template("accounts/set_password.html", form=form, view=view, purpose=purpose)
        return page, (400 if form.errors else 200)
    try:
        account_id = password_links.set_password(factory, token, purpose, form.password.data)
    except Refused as refused:
        return _unusable(purpose, refused.code)
    principal = identity().principal(account_id)
    if principal is None:  # closed a moment ago
        return _unusable(purpose, "closed")
    if step := start_login(principal, url_for("own.index")):
        flash(_("Ihr neues Passwort gilt. Zum Anmelden fehlt noch der zweite Schritt."))
        return redirect(step, 303)
    if purpose == INVITE:
        flash(_("Willkommen! Ihr Passwort ist gespeichert, und Sie sind angemeldet als %(name)s.", name=view.username))
    else:
        flash(
            _(
                "Ihr neues Passwort gilt. Alle bisherigen Anmeldungen mit Ihrem Konto sind beendet, auf allen Geräten; "
                "hier sind Sie neu angemeldet."
            )
        )
    return redirect(url_for("own.index"), 303)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str) -> ResponseReturnValue:
    return _set_password(INVITE, token)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    return _set_password(RESET, token)
