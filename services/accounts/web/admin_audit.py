"""/account/admin/audit: the audit log for the office, newest first, a page at a time, for one
account or one partner (?konto=, ?partner=, ?seite=)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from shared.auth import login_required

from services.accounts.admin import accounts, audit_log, partners
from services.accounts.domain.permissions import can_read_audit
from services.accounts.web.admin_common import NO_STORE, db, office
from services.accounts.web.wording import ACTIONS, FIELDS, KINDS, ROLES

bp = Blueprint("admin_audit", __name__, url_prefix="/account/admin", template_folder="../templates")
MAX_PAGE = 10_000


def _number(key: str, default: int | None = None) -> int | None:
    """A positive number from the query, the default when missing; 404 for anything else."""
    raw = request.args.get(key, "")
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= (MAX_PAGE if key == "seite" else 2**31 - 1):
        abort(404)
    return int(raw)


def _shown(key: str, value: Any) -> str:
    """A value of a change in words: roles by name, yes and no; "" for none."""
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if key == "role" and value in ROLES:
        return str(ROLES[value])
    if key == "kind" and value in KINDS:
        return str(KINDS[value])
    return "" if value is None else str(value)


@bp.get("/audit")
@login_required
def index() -> ResponseReturnValue:
    office(can_read_audit)
    account_id, partner_id = _number("konto"), _number("partner")
    number = _number("seite", 1) or 1
    found = audit_log.page(db(), number, account_id, partner_id)
    account = accounts.one(db(), account_id) if account_id is not None else None
    partner = partners.one(db(), partner_id) if partner_id is not None else None
    page = render_template(
        "accounts/admin/audit.html",
        log=found,
        account=account,
        partner=partner,
        partners=partners.list_partners(db()),
        actions=ACTIONS,
        fields=FIELDS,
        shown=_shown,
    )
    return page, 200, NO_STORE


@bp.get("/")
@login_required
def start() -> ResponseReturnValue:
    """The administration's start: what is where."""
    office(can_read_audit)
    return render_template("accounts/admin/start.html"), 200, NO_STORE
