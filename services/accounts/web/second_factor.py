"""/account/two-factor/: the second factor of one's own account ("Zwei-Faktor-Anmeldung").
Set it up (QR code and the secret as text, confirmed with a current code), see how many
recovery codes are left, make new ones, switch it off (password and a code).

The setup page also serves a half-done login whose account must have a second factor
(REQUIRE_TOTP_FOR_COORDINATION, shared/web/login.py): once the app is confirmed, the session
begins. App passwords are not touched by any of this."""

from __future__ import annotations

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm

from shared.auth import TooManyFailures, current_account, identity, login_required, throttled
from shared.db import SessionFactory
from shared.identity.store import Principal
from shared.web.login import HalfLogin, finish_login, half_login, too_many

from services.accounts import second_factor
from services.accounts.domain import totp
from services.accounts.errors import Refused
from services.accounts.sealing import Sealer
from services.accounts.web.code_forms import AppCodeForm, CodeForm, SwitchOffForm

bp = Blueprint("second_factor", __name__, url_prefix="/account/two-factor", template_folder="../templates")
NO_STORE = {"Cache-Control": "no-store"}  # secrets and codes stay out of caches
WRONG_CODE = _l("Der Code stimmt nicht. Bitte geben Sie den Code ein, den die App gerade anzeigt.")
WRONG_OR_USED = _l(
    "Der Code stimmt nicht oder wurde schon benutzt. Bitte geben Sie den Code ein, den die App gerade anzeigt, "
    "oder einen unbenutzten Wiederherstellungscode."
)


def sealer() -> Sealer:
    found: Sealer = current_app.extensions["second_factor_sealer"]
    return found


def _db() -> SessionFactory:
    factory: SessionFactory = current_app.extensions["db"]
    return factory


def _me() -> Principal:
    me = current_account()
    assert me is not None  # login_required
    return me


def _required_for(who: Principal) -> bool:
    return bool(current_app.config["SETTINGS"].require_totp_for_coordination and who.is_coordination)


def _overview(renew: FlaskForm | None = None, off: FlaskForm | None = None, status: int = 200) -> ResponseReturnValue:
    me = _me()
    page = render_template(
        "accounts/two_factor.html",
        state=second_factor.status(_db(), me.account_id),
        required=_required_for(me),
        renew=renew or CodeForm(prefix="renew", formdata=None),
        off=off or SwitchOffForm(prefix="off", formdata=None),
    )
    return page, status, NO_STORE


@bp.get("/")
@login_required
def overview() -> ResponseReturnValue:
    return _overview()


def _setting_up() -> tuple[Principal, HalfLogin | None] | None:
    """Who sets up: the logged-in account, or a half-done login that must set up first."""
    me = current_account()
    if me is not None:
        return me, None
    half = half_login()
    if half is not None and half.setup and (who := identity().principal(half.account_id)):
        return who, half
    return None


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> ResponseReturnValue:
    found = _setting_up()
    if found is None:
        return redirect(url_for("web.login", next=url_for("second_factor.setup")))
    who, half = found
    try:
        secret = second_factor.setup_secret(_db(), sealer(), who.account_id)
    except Refused:  # already on
        return redirect(url_for("second_factor.overview"), 303)
    form = AppCodeForm()
    error, status = None, 400
    if form.validate_on_submit():
        try:
            codes = throttled(who.username, lambda: _switch_on(who, form.code.data), "code_throttle")
        except TooManyFailures as exc:
            error, status = too_many(exc.seconds), 429
        else:
            if codes is not None:
                return _switched_on(codes, half)
            form.code.errors.append(WRONG_CODE)
    uri = totp.setup_uri(secret, who.username)
    page = render_template(
        "accounts/two_factor_setup.html",
        form=form,
        error=error,
        half=half,
        qr=segno.make(uri, error="m").svg_data_uri(scale=5),
        secret=totp.grouped(secret),
        username=who.username,
    )
    return page, (status if form.errors or error else 200), NO_STORE


def _switch_on(who: Principal, code: str) -> list[str] | None:
    try:
        return second_factor.switch_on(_db(), sealer(), who.account_id, code)
    except Refused as refused:
        if refused.code == "wrong_code":
            return None  # counts as a failure
        raise


def _switched_on(codes: list[str], half: HalfLogin | None) -> ResponseReturnValue:
    onward = finish_login(half) if half else url_for("second_factor.overview")
    if half:
        flash(_("Die Zwei-Faktor-Anmeldung ist eingeschaltet, und Sie sind angemeldet."))
    else:
        flash(_("Die Zwei-Faktor-Anmeldung ist eingeschaltet."))
    return render_template("accounts/recovery_codes.html", codes=codes, onward=onward), 200, NO_STORE


def checked_code(who: Principal, typed: str) -> second_factor.Accepted | None:
    """A code from the app or a recovery code, used up if good; wrong ones are counted like
    wrong passwords (TooManyFailures once there were too many)."""
    factory, seal = _db(), sealer()
    return throttled(
        who.username, lambda: second_factor.check_code(factory, seal, who.account_id, typed), "code_throttle"
    )


def _code_problem(who: Principal, form: FlaskForm) -> int | None:
    """The status of a form whose code is wrong or throttled (said at its field), or None."""
    try:
        accepted = checked_code(who, form.code.data)
    except TooManyFailures as exc:
        form.code.errors.append(too_many(exc.seconds))
        return 429
    if accepted is None:
        form.code.errors.append(WRONG_OR_USED)
        return 400
    return None


@bp.post("/recovery-codes")
@login_required
def renew() -> ResponseReturnValue:
    me = _me()
    form = CodeForm(prefix="renew")
    if not form.validate():
        return _overview(renew=form, status=400)
    if problem := _code_problem(me, form):
        return _overview(renew=form, status=problem)
    codes = second_factor.renew_recovery_codes(_db(), me.account_id)
    flash(_("Ihre neuen Wiederherstellungscodes gelten; die bisherigen nicht mehr."))
    return (
        render_template("accounts/recovery_codes.html", codes=codes, onward=url_for("second_factor.overview")),
        200,
        NO_STORE,
    )


@bp.post("/off")
@login_required
def switch_off() -> ResponseReturnValue:
    me = _me()
    form = SwitchOffForm(prefix="off")
    if not form.validate():
        return _overview(off=form, status=400)
    try:
        known = throttled(me.username, lambda: identity().check_password(me.username, form.current.data))
    except TooManyFailures as exc:
        form.current.errors.append(too_many(exc.seconds))
        return _overview(off=form, status=429)
    if known is None:
        form.current.errors.append(_("Das Passwort stimmt nicht."))
        return _overview(off=form, status=400)
    if problem := _code_problem(me, form):
        return _overview(off=form, status=problem)
    second_factor.switch_off(_db(), me.account_id)
    if _required_for(me):  # a new phone: straight on to setting it up again
        flash(_("Die Zwei-Faktor-Anmeldung ist ausgeschaltet. Richten Sie sie jetzt wieder ein."))
        return redirect(url_for("second_factor.setup"), 303)
    flash(_("Die Zwei-Faktor-Anmeldung ist ausgeschaltet. Sie melden sich jetzt nur mit Ihrem Passwort an."))
    return redirect(url_for("second_factor.overview"), 303)
