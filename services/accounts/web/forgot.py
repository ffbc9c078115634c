""" "Passwort vergessen" (/account/forgot): one answer for every name, throttled per name and
per client (shared/identity/throttle.py), the mail sent by notify."""

from __future__ import annotations

import math

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext

from shared.identity.throttle import LoginThrottle

from services.accounts import recovery
from services.accounts.web.forms import ForgotForm

bp = Blueprint("forgot", __name__, url_prefix="/account/forgot", template_folder="../templates")


@bp.route("/", methods=["GET", "POST"])
def ask() -> ResponseReturnValue:
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("accounts/forgot.html", form=form, error=None), (400 if form.errors else 200)
    name = form.name.data.strip()
    throttle: LoginThrottle = current_app.extensions["reset_throttle"]
    address = request.remote_addr or "-"
    wait = throttle.wait_seconds(name, address)
    if wait:
        minutes = math.ceil(wait / 60)
        error = ngettext(
            "Für diese Angabe oder von diesem Gerät aus wurden gerade zu viele Links angefordert. "
            "Bitte sehen Sie in Ihrem Postfach nach (auch im Spam-Ordner) oder versuchen Sie es in %(num)s Minute noch einmal.",
            "Für diese Angabe oder von diesem Gerät aus wurden gerade zu viele Links angefordert. "
            "Bitte sehen Sie in Ihrem Postfach nach (auch im Spam-Ordner) oder versuchen Sie es in %(num)s Minuten noch einmal.",
            minutes,
        )
        page = render_template("accounts/forgot.html", form=form, error=error)
        return page, 429, {"Retry-After": str(wait)}
    throttle.failed(name, address)  # every request counts, whether the name exists or not
    recovery.request_reset(current_app.extensions["db"], name, current_app.config["SETTINGS"].public_url)
    return redirect(url_for("forgot.sent"), 303)


@bp.get("/sent")
def sent() -> ResponseReturnValue:
    return render_template("accounts/forgot_sent.html")
