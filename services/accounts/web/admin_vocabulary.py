"""/account/admin/vocabulary: the office's page of the shared vocabulary (categories, audiences
and accessibility facts of offerings, equipment of rooms): every list with its terms, a form to
add one, a page to change a term's labels, and buttons to move, retire and bring back terms.
Plain forms with their CSRF token: no JavaScript needed."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from shared.auth import identity, login_required
from shared.identity.vocabulary import FIXED, KINDS as KIND_ORDER, Term

from services.accounts.admin import vocabulary
from services.accounts.domain.permissions import can_manage_vocabulary
from services.accounts.errors import Refused
from services.accounts.web.admin_common import NO_STORE, db, office, show_refusal
from services.accounts.web.admin_forms import NewTermForm, TermForm
from services.accounts.web.wording import FIXED_REASONS, KINDS, REFUSALS

bp = Blueprint("admin_vocabulary", __name__, url_prefix="/account/admin/vocabulary", template_folder="../templates")
STEPS = {"up": -1, "down": 1}


def _kind_choices() -> list[SelectChoice]:
    return [SelectChoice(k, str(KINDS[k])) for k in KIND_ORDER]


def _anchor(kind: str) -> str:
    return url_for("admin_vocabulary.index") + "#" + kind


def _page(add: NewTermForm | None = None, error: str | None = None, status: int = 200) -> ResponseReturnValue:
    office(can_manage_vocabulary)
    if add is None:
        add = NewTermForm(prefix="new", formdata=None, data={"kind": request.args.get("liste", "category")})
    add.kind.choices = _kind_choices()
    words = identity().vocabulary()
    page = render_template(
        "accounts/admin/vocabulary.html",
        lists=[(kind, KINDS[kind], words.of(kind)) for kind in KIND_ORDER],
        add=add,
        error=error,
        fixed_reason=lambda t: FIXED_REASONS[FIXED[(t.kind, t.key)]],
        term_url=_term_url,
    )
    return page, status, NO_STORE


def _term_url(term: Term, action: str = "") -> str:
    """A term's address: its key may hold spaces and umlauts (category words), never a slash."""
    base = url_for("admin_vocabulary.index") + f"{term.kind}/{quote(term.key, safe='')}"
    return base + (f"/{action}" if action else "")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/")
@login_required
def add() -> ResponseReturnValue:
    me = office(can_manage_vocabulary)
    form = NewTermForm(prefix="new")
    form.kind.choices = _kind_choices()
    if not form.validate():
        return _page(form, status=400)
    try:
        term = vocabulary.add(db(), me, form.kind.data, form.label_de.data, form.label_en.data)
    except Refused as refused:
        status = show_refusal(form, refused, "label_de")
        return _page(form, status=400 if refused.code.startswith("key_") else status)
    flash(_("„%(label)s“ ist hinzugefügt und wird ab sofort angeboten.", label=term.label_de))
    return redirect(_anchor(term.kind), 303)


def _known(kind: str, key: str) -> Term:
    term = vocabulary.one(db(), kind, key)
    if term is None:
        abort(404)
    return term


def _term_page(term: Term, form: TermForm, status: int = 200) -> ResponseReturnValue:
    page = render_template(
        "accounts/admin/term.html", term=term, form=form, kind_name=KINDS[term.kind], term_url=_term_url
    )
    return page, status, NO_STORE


@bp.route("/<kind>/<key>", methods=["GET", "POST"])
@login_required
def edit(kind: str, key: str) -> ResponseReturnValue:
    me = office(can_manage_vocabulary)
    term = _known(kind, key)
    if request.method == "GET":
        return _term_page(term, TermForm(formdata=None, data={"label_de": term.label_de, "label_en": term.label_en}))
    form = TermForm()
    if not form.validate():
        return _term_page(term, form, 400)
    try:
        changed = vocabulary.relabel(db(), me, kind, key, form.label_de.data, form.label_en.data)
    except Refused as refused:
        return _term_page(term, form, show_refusal(form, refused, "label_de"))
    flash(_("Die Bezeichnungen sind gespeichert.") if changed else _("Nichts geändert."))
    return redirect(_anchor(kind), 303)


def _button(kind: str, key: str, act, done: str) -> ResponseReturnValue:
    """A button without fields (its CSRF token checked): do it, or say why not at the top."""
    me = office(can_manage_vocabulary)
    if not FlaskForm().validate():
        return _page(error=_("Das Formular ist abgelaufen. Bitte erneut absenden."), status=400)
    term = _known(kind, key)
    try:
        act(me)
    except Refused as refused:
        return _page(error=str(REFUSALS[refused.code]), status=409)
    if done:
        flash(done % {"label": term.label_de})
    return redirect(_anchor(kind), 303)


@bp.post("/<kind>/<key>/move")
@login_required
def move(kind: str, key: str) -> ResponseReturnValue:
    step = STEPS.get(request.form.get("step", ""))
    if step is None:
        abort(400)
    return _button(kind, key, lambda me: vocabulary.move(db(), me, kind, key, step), "")


@bp.post("/<kind>/<key>/retire")
@login_required
def retire(kind: str, key: str) -> ResponseReturnValue:
    return _button(
        kind,
        key,
        lambda me: vocabulary.set_active(db(), me, kind, key, False),
        _("„%(label)s“ ist ausgeblendet: in keiner Auswahl mehr, aber was ihn trägt, behält ihn."),
    )


@bp.post("/<kind>/<key>/reactivate")
@login_required
def reactivate(kind: str, key: str) -> ResponseReturnValue:
    return _button(
        kind,
        key,
        lambda me: vocabulary.set_active(db(), me, kind, key, True),
        _("„%(label)s“ wird wieder angeboten."),
    )
