"""/account/invite: the office (and, where allowed, a partner's staff) invites a colleague."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from shared.auth import current_account, login_required
from shared.identity.store import Principal

from services.accounts import invitation, settings
from services.accounts.domain.permissions import COORDINATION, STAFF, can_open_invitations
from services.accounts.errors import Refused
from services.accounts.web.forms import ROLE_CHOICES, InviteForm
from services.accounts.web.wording import REFUSALS

bp = Blueprint("invite", __name__, url_prefix="/account/invite", template_folder="../templates")


def _me() -> Principal:
    me = current_account()
    if not can_open_invitations(invitation.actor_of(me), settings.current().policy):
        abort(403)
    assert me is not None  # a permission needs an account
    return me


def _form(me: Principal) -> InviteForm:
    form = InviteForm()
    form.partner.choices = [
        SelectChoice(i, name) for i, name in invitation.partners_for(current_app.extensions["db"], me)
    ]
    if me.role != COORDINATION:  # staff invite staff of their own partner only
        form.role.choices = [c for c in ROLE_CHOICES if c.value == STAFF]
    if not form.is_submitted():
        form.partner.data = me.partner_id
    return form


def _page(form: InviteForm, status: int = 200) -> ResponseReturnValue:
    return render_template("accounts/invite.html", form=form), status


@bp.route("/", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    me = _me()
    form = _form(me)
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, 400)
    wanted = invitation.Invitation(
        name=form.name.data.strip(),
        email=form.email.data.strip(),
        role=form.role.data,
        partner_id=form.partner.data,
        language=form.language.data,
        username=form.username.data,
    )
    try:
        _id, username = invitation.invite(
            current_app.extensions["db"],
            me,
            wanted,
            settings.current().policy,
            current_app.config["SETTINGS"].public_url,
        )
    except Refused as refused:
        getattr(form, refused.field).errors.append(REFUSALS[refused.code])
        return _page(form, 403 if refused.code == "not_allowed" else 409)
    flash(
        _(
            "Die Einladung an %(email)s ist unterwegs. Benutzername: %(username)s. Der Link in der E-Mail gilt 72 Stunden.",
            email=wanted.email,
            username=username,
        )
    )
    return redirect(url_for("invite.new"), 303)
