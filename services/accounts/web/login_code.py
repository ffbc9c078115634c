"""/account/login/code: the second step of a login with a second factor (shared/web/login.py
remembers the first). A code from the app or a recovery code; wrong ones are throttled per
account and client like wrong passwords, with counters of their own."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, ngettext, refresh

from shared.auth import TooManyFailures, identity
from shared.web.login import finish_login, half_login, too_many

from services.accounts import second_factor
from services.accounts.web.code_forms import CodeForm
from services.accounts.web.second_factor import WRONG_OR_USED, checked_code

bp = Blueprint("login_code", __name__, url_prefix="/account/login", template_folder="../templates")


@bp.route("/code", methods=["GET", "POST"])
def code() -> ResponseReturnValue:
    half = half_login()
    who = identity().principal(half.account_id) if half and not half.setup else None
    if half is None or who is None:
        flash(_("Die Anmeldung hat zu lange gedauert. Bitte melden Sie sich noch einmal an."))
        return redirect(url_for("web.login"), 303)
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("accounts/login_code.html", form=form, error=None), (400 if form.errors else 200)
    try:
        accepted = checked_code(who, form.code.data)
    except TooManyFailures as exc:
        page = render_template("accounts/login_code.html", form=form, error=too_many(exc.seconds))
        return page, 429, {"Retry-After": str(exc.seconds)}
    if accepted is None:
        return render_template("accounts/login_code.html", form=form, error=WRONG_OR_USED), 401
    onward = finish_login(half)
    g.account = who
    refresh()  # the greeting in the account's language
    flash(_("Angemeldet als %(name)s.", name=who.display_name))
    if accepted.kind == second_factor.RECOVERY:
        flash(
            ngettext(
                "Sie haben einen Wiederherstellungscode benutzt; er gilt jetzt nicht mehr. Sie haben noch %(num)s Code übrig.",
                "Sie haben einen Wiederherstellungscode benutzt; er gilt jetzt nicht mehr. Sie haben noch %(num)s Codes übrig.",
                accepted.codes_left,
            )
        )
    return redirect(onward, 303)
