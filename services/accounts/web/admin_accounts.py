"""/account/admin/accounts/: the office's list of every account and the page of one, where it
changes role and partner, deactivates and reactivates, and sends a reset link or an invitation."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from shared.auth import login_required

from services.accounts.admin import accounts, partners
from services.accounts.domain.permissions import (
    can_change_active,
    can_change_partner,
    can_change_role,
    can_list_accounts,
    can_remove_second_factor,
    can_resend_invitation,
    can_send_reset,
)
from services.accounts.errors import Refused
from services.accounts.invitation import actor_of
from services.accounts.web.admin_common import NO_STORE, db, office, show_refusal
from services.accounts.web.admin_forms import NO_PARTNER, AccountForm, DeactivateAccountForm
from services.accounts.web.wording import REFUSALS, ROLES, STATES

bp = Blueprint("admin_accounts", __name__, url_prefix="/account/admin/accounts", template_folder="../templates")


def _partner_choices(current: int | None) -> list[SelectChoice]:
    """Active partners, and the account's own even when deactivated (so the form shows it)."""
    found = [p for p in partners.list_partners(db()) if p.active or p.id == current]
    return [SelectChoice(NO_PARTNER, _("kein Partner"))] + [SelectChoice(p.id, p.draft.name) for p in found]


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    office(can_list_accounts)
    wanted = request.args.get("partner", "")
    partner_id = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) < 10 else None
    if wanted and partner_id is None:
        abort(404)
    known = partners.list_partners(db())
    page = render_template(
        "accounts/admin/accounts.html",
        rows=accounts.list_accounts(db(), partner_id),
        partners=known,
        chosen=partner_id,
        roles=ROLES,
        states=STATES,
    )
    return page, 200, NO_STORE


def _page(
    account_id: int,
    change: AccountForm | None = None,
    deactivate: FlaskForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    me = office(can_list_accounts)
    row = accounts.one(db(), account_id)
    if row is None:
        abort(404)
    if change is None:
        change = AccountForm(
            prefix="change", formdata=None, data={"role": row.role, "partner": row.partner_id or NO_PARTNER}
        )
    change.partner.choices = _partner_choices(row.partner_id)
    actor = actor_of(me)
    page = render_template(
        "accounts/admin/account.html",
        row=row,
        change=change,
        deactivate=deactivate or DeactivateAccountForm(prefix="close", formdata=None),
        error=error,
        roles=ROLES,
        states=STATES,
        may_role=can_change_role(actor, row.id),
        may_partner=can_change_partner(actor),
        may_close=can_change_active(actor, row.id),
        may_reset=can_send_reset(actor),
        may_invite=can_resend_invitation(actor),
        may_remove_app=can_remove_second_factor(actor, row.id),
    )
    return page, status, NO_STORE


@bp.get("/<int:account_id>")
@login_required
def show(account_id: int) -> ResponseReturnValue:
    return _page(account_id)


@bp.post("/<int:account_id>/change")
@login_required
def change(account_id: int) -> ResponseReturnValue:
    me = office(can_change_partner)
    form = AccountForm(prefix="change")
    form.partner.choices = []  # checked by the use case, not by the list
    if not form.validate():
        return _page(account_id, change=form, status=400)
    row = accounts.one(db(), account_id)
    if row is None:
        abort(404)
    if form.role.data != row.role and not can_change_role(actor_of(me), account_id):
        form.role.errors.append(REFUSALS["own_role"])
        return _page(account_id, change=form, status=403)
    partner_id = form.partner.data or None
    try:
        changed = accounts.change(db(), me, account_id, form.role.data, partner_id)
    except Refused as refused:
        return _page(account_id, change=form, status=show_refusal(form, refused, "role"))
    flash(_("Rolle und Partner sind gespeichert.") if changed else _("Nichts geändert."))
    return redirect(url_for("admin_accounts.show", account_id=account_id), 303)


@bp.post("/<int:account_id>/deactivate")
@login_required
def deactivate(account_id: int) -> ResponseReturnValue:
    me = office(can_list_accounts)
    form = DeactivateAccountForm(prefix="close")
    if not form.validate():
        return _page(account_id, deactivate=form, status=400)
    if not can_change_active(actor_of(me), account_id):  # the page offers no such form: said at the top
        return _page(account_id, error=str(REFUSALS["own_account"]), status=403)
    try:
        accounts.set_active(db(), me, account_id, False)
    except Refused as refused:
        return _page(account_id, deactivate=form, status=show_refusal(form, refused, "confirm"))
    flash(_("Das Konto ist deaktiviert. Seine Anmeldungen sind beendet, seine App-Passwörter gelten nicht mehr."))
    return redirect(url_for("admin_accounts.show", account_id=account_id), 303)


def _one_click(account_id: int, rule_ok: bool, act: Callable[[], object], done: str) -> ResponseReturnValue:
    """A button without fields (its CSRF token checked): do it, or show why not at the top."""
    form = FlaskForm()
    if not form.validate():
        return _page(account_id, error=_("Das Formular ist abgelaufen. Bitte erneut absenden."), status=400)
    if not rule_ok:
        abort(403)
    try:
        result = act()
    except Refused as refused:
        status = 404 if refused.code.startswith("unknown_") else 409
        return _page(account_id, error=str(REFUSALS[refused.code]), status=status)
    flash(done % {"email": result} if isinstance(result, str) else done)
    return redirect(url_for("admin_accounts.show", account_id=account_id), 303)


@bp.post("/<int:account_id>/reactivate")
@login_required
def reactivate(account_id: int) -> ResponseReturnValue:
    me = office(can_list_accounts)
    return _one_click(
        account_id,
        can_change_active(actor_of(me), account_id),
        lambda: accounts.set_active(db(), me, account_id, True),
        _("Das Konto ist wieder aktiv. Die Person kann sich mit ihrem bisherigen Passwort anmelden."),
    )


@bp.post("/<int:account_id>/reset")
@login_required
def send_reset(account_id: int) -> ResponseReturnValue:
    me = office(can_list_accounts)
    return _one_click(
        account_id,
        can_send_reset(actor_of(me)),
        lambda: accounts.send_reset(db(), me, account_id, current_app.config["SETTINGS"].public_url),
        _("Ein Link zum Zurücksetzen ist an %(email)s unterwegs. Er gilt eine Stunde."),
    )


@bp.post("/<int:account_id>/second-factor/remove")
@login_required
def remove_second_factor(account_id: int) -> ResponseReturnValue:
    me = office(can_list_accounts)
    return _one_click(
        account_id,
        can_remove_second_factor(actor_of(me), account_id),
        lambda: accounts.remove_second_factor(db(), me, account_id),
        _(
            "Die Zwei-Faktor-Anmeldung ist entfernt, die Anmeldungen der Person sind beendet. "
            "Sie meldet sich jetzt mit ihrem Passwort allein an und richtet danach eine neue App ein."
        ),
    )


@bp.post("/<int:account_id>/invitation")
@login_required
def resend_invitation(account_id: int) -> ResponseReturnValue:
    me = office(can_list_accounts)
    return _one_click(
        account_id,
        can_resend_invitation(actor_of(me)),
        lambda: accounts.resend_invitation(db(), me, account_id, current_app.config["SETTINGS"].public_url),
        _("Eine neue Einladung ist an %(email)s unterwegs. Der Link gilt 72 Stunden; der alte gilt nicht mehr."),
    )
