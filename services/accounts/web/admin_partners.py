"""/account/admin/partners/: the office creates and edits partners (with a logo) and
deactivates or reactivates them; /account/logos/<digest>.jpg serves the logos to anyone."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, ngettext
from flask_wtf import FlaskForm

from shared import images
from shared.auth import login_required
from shared.images import PreparedImage

from services.accounts.admin import partners
from services.accounts.domain.permissions import can_manage_partners
from services.accounts.errors import Refused
from services.accounts.web.admin_common import NO_STORE, db, office, show_refusal
from services.accounts.web.admin_forms import DeactivatePartnerForm, PartnerForm
from services.accounts.web.wording import PICTURE_REFUSALS, REFUSALS

bp = Blueprint("admin_partners", __name__, url_prefix="/account", template_folder="../templates")
DIGEST = re.compile(r"^[0-9a-f]{64}$")


@bp.before_request
def _room_for_a_logo() -> None:
    """The partner form takes a logo as a phone photographs it: more than the site's usual size."""
    if request.method == "POST" and request.path.startswith("/account/admin/partners/"):
        request.max_content_length = images.MAX_UPLOAD + 256 * 1024


@bp.get("/admin/partners/")
@login_required
def index() -> ResponseReturnValue:
    office(can_manage_partners)
    return render_template("accounts/admin/partners.html", rows=partners.list_partners(db())), 200, NO_STORE


def _logo(form: PartnerForm) -> tuple[bool, PreparedImage | None]:
    """(ok, the prepared logo or None); a refused upload is an error at its field."""
    upload = form.logo.data
    if upload is None or not getattr(upload, "filename", ""):
        return True, None
    try:
        return True, images.prepare(upload.read(images.MAX_UPLOAD + 1))
    except images.ImageRefused as exc:
        form.logo.errors = [str(PICTURE_REFUSALS[exc.code])]
        return False, None


def _draft(form: PartnerForm) -> partners.PartnerDraft:
    return partners.PartnerDraft(
        slug=form.slug.data,
        name=form.name.data.strip(),
        district=form.district.data,
        address=(form.address.data or "").strip(),
        contact_email=(form.contact_email.data or "").strip(),
        contact_phone=(form.contact_phone.data or "").strip(),
    )


def _form_page(
    form: PartnerForm, row: partners.PartnerRow | None, status: int = 200, **extra: object
) -> ResponseReturnValue:
    page = render_template(
        "accounts/admin/partner.html",
        form=form,
        row=row,
        deactivate=extra.pop("deactivate", None) or DeactivatePartnerForm(prefix="close", formdata=None),
        error=extra.pop("error", None),
    )
    return page, status, NO_STORE


@bp.route("/admin/partners/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    me = office(can_manage_partners)
    form = PartnerForm()
    if not form.is_submitted():
        return _form_page(form, None)
    valid = form.validate()
    logo_ok, logo = _logo(form)
    if not (valid and logo_ok):
        return _form_page(form, None, 400)
    try:
        partner_id = partners.create(db(), me, _draft(form), logo)
    except Refused as refused:
        return _form_page(form, None, show_refusal(form, refused, "name"))
    flash(_("Der Partner %(name)s ist angelegt.", name=form.name.data.strip()))
    return redirect(url_for("admin_partners.edit", partner_id=partner_id), 303)


def _row(partner_id: int) -> partners.PartnerRow:
    row = partners.one(db(), partner_id)
    if row is None:
        abort(404)
    return row


@bp.route("/admin/partners/<int:partner_id>", methods=["GET", "POST"])
@login_required
def edit(partner_id: int) -> ResponseReturnValue:
    me = office(can_manage_partners)
    row = _row(partner_id)
    if request.method == "GET":
        return _form_page(PartnerForm(formdata=None, data=row.draft.values()), row)
    form = PartnerForm()
    valid = form.validate()
    logo_ok, logo = _logo(form)
    if not (valid and logo_ok):
        return _form_page(form, row, 400)
    try:
        changed = partners.update(db(), me, partner_id, _draft(form), logo, bool(form.remove_logo.data))
    except Refused as refused:
        return _form_page(form, row, show_refusal(form, refused, "name"))
    flash(_("Die Angaben sind gespeichert.") if changed else _("Nichts geändert."))
    return redirect(url_for("admin_partners.edit", partner_id=partner_id), 303)


@bp.post("/admin/partners/<int:partner_id>/deactivate")
@login_required
def deactivate(partner_id: int) -> ResponseReturnValue:
    me = office(can_manage_partners)
    row = _row(partner_id)
    form = DeactivatePartnerForm(prefix="close")
    edit_form = PartnerForm(formdata=None, data=row.draft.values())
    if not form.validate():
        return _form_page(edit_form, row, 400, deactivate=form)
    try:
        ended = partners.set_active(db(), me, partner_id, False)
    except Refused as refused:
        return _form_page(edit_form, row, show_refusal(form, refused, "confirm"), deactivate=form)
    flash(
        ngettext(
            "%(name)s ist deaktiviert. Die Anmeldung seines %(num)s Kontos ist gesperrt.",
            "%(name)s ist deaktiviert. Die Anmeldung seiner %(num)s Konten ist gesperrt.",
            ended,
            name=row.draft.name,
        )
    )
    return redirect(url_for("admin_partners.edit", partner_id=partner_id), 303)


@bp.post("/admin/partners/<int:partner_id>/reactivate")
@login_required
def reactivate(partner_id: int) -> ResponseReturnValue:
    me = office(can_manage_partners)
    row = _row(partner_id)
    if not FlaskForm().validate():
        edit_form = PartnerForm(formdata=None, data=row.draft.values())
        return _form_page(edit_form, row, 400, error=_("Das Formular ist abgelaufen. Bitte erneut absenden."))
    try:
        partners.set_active(db(), me, partner_id, True)
    except Refused as refused:
        abort(404 if refused.code.startswith("unknown_") else 403, str(REFUSALS[refused.code]))
    flash(_("%(name)s ist wieder aktiv; seine Konten können sich wieder anmelden.", name=row.draft.name))
    return redirect(url_for("admin_partners.edit", partner_id=partner_id), 303)


@bp.get("/logos/<digest>.jpg")
def logo(digest: str) -> Response:
    """A partner's logo; its address is its content's hash, so it may be kept for a year."""
    found = partners.logo(db(), digest) if DIGEST.match(digest) else None
    if found is None:
        abort(404)
    data, content_type = found
    headers = {"ETag": f'"{digest[:32]}"', "Cache-Control": "public, max-age=31536000, immutable"}
    return Response(data, content_type=content_type, headers=headers)
