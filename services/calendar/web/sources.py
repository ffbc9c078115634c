"""The sources pages (staff, login): a partner's calendars kept elsewhere that Treffpunkt pulls
in, with their state; add one, change it, pull it now, delete it. Partner staff for their own
partner, the coordination office for any (?partner=<slug>). Thin: parse the form, ask
domain/access, call subscriptions/sources."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth import current_account, identity, login_required
from shared.clock import utcnow
from shared.web.request_db import db, unit_of_work

from services.calendar.domain import access
from services.calendar.store.sql_sources import SourceInfo, Sources
from services.calendar.subscriptions import sources as use
from services.calendar.subscriptions.sealing import Sealer, sealer_of
from services.calendar.web.source_form import SourceForm

bp = Blueprint("sources", __name__, url_prefix="/calendar/sources", template_folder="../templates")
SEALER = "sources_sealer"


def init_app(app) -> None:
    app.extensions[SEALER] = sealer_of(app.config["SETTINGS"])
    app.register_blueprint(bp)


def _sealer() -> Sealer:
    sealer: Sealer = current_app.extensions[SEALER]
    return sealer


def _reader() -> access.Reader:
    me = current_account()
    assert me is not None  # every view is login_required
    return access.Reader(me.partner_id, me.is_coordination)


def _partner():
    """The partner whose sources the page is about: one's own, or for the office the one
    chosen (?partner=<slug>, or the form's hidden field); 404 for anyone else's."""
    reader = _reader()
    chosen = request.values.get("partner", "")
    partners = identity().partners()
    if chosen:
        partner = next((p for p in partners if p["slug"] == chosen), None)
    else:
        partner = next((p for p in partners if p["id"] == reader.partner_id), None)
    if partner is None or not access.can_manage_sources(reader, partner["id"]):
        abort(404)
    return partner


def _source(source_id: int) -> SourceInfo:
    source = Sources(db()).get(source_id)
    if source is None or not access.can_manage_sources(_reader(), source.partner_id):
        abort(404)  # another partner's source is not there for this reader
    return source


def _partner_of(source: SourceInfo):
    return next((p for p in identity().partners() if p["id"] == source.partner_id), {"slug": "", "name": ""})


@bp.get("/")
@login_required
def index():
    reader = _reader()
    partners = sorted(identity().partners(), key=lambda p: p["name"])
    if reader.coordination and not request.args.get("partner") and reader.partner_id is None:
        partner = None
    else:
        partner = _partner()
    found = Sources(db()).of_partner(partner["id"]) if partner else []
    return render_template(
        "calendar/sources/index.html",
        sources=found,
        partner=partner,
        partners=partners,
        coordination=reader.coordination,
        reasons={s.id: s.reason_for_page(_) for s in found if s.state == "failing"},
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    partner = _partner()
    form = SourceForm()
    if request.method == "POST" and form.validate():
        me = current_account()
        with unit_of_work() as session:
            use.add(
                session,
                partner["id"],
                form.draft(),
                form.password.data or "",
                _sealer(),
                me.account_id if me else None,
                utcnow(),
            )
        flash(_("Die Quelle ist gespeichert. Treffpunkt ruft den Kalender in der nächsten Minute zum ersten Mal ab."))
        return redirect(url_for("sources.index", partner=partner["slug"]))
    return render_template("calendar/sources/form.html", form=form, partner=partner, source=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/<int:source_id>", methods=["GET", "POST"])
@login_required
def edit(source_id: int):
    source = _source(source_id)
    partner = _partner_of(source)
    form = SourceForm(source=source)
    if request.method == "GET":
        form.fill(source)
    elif form.validate():
        me = current_account()
        with unit_of_work() as session:
            use.change(
                session,
                source,
                form.draft(),
                form.password.data or "",
                _sealer(),
                me.account_id if me else None,
                utcnow(),
            )
        flash(_("Die Änderungen sind gespeichert."))
        return redirect(url_for("sources.index", partner=partner["slug"]))
    return render_template("calendar/sources/form.html", form=form, partner=partner, source=source), (
        200 if request.method == "GET" else 422
    )


@bp.post("/<int:source_id>/pull")
@login_required
def pull_now(source_id: int):
    source = _source(source_id)
    with unit_of_work() as session:
        use.pull_now(session, source.id, utcnow())
    flash(_("Der Kalender wird in der nächsten Minute abgerufen. Laden Sie die Seite dann neu."))
    return redirect(url_for("sources.index", partner=_partner_of(source)["slug"]))


@bp.route("/<int:source_id>/delete", methods=["GET", "POST"])
@login_required
def delete(source_id: int):
    source = _source(source_id)
    partner = _partner_of(source)
    if request.method == "POST":
        with unit_of_work() as session:
            use.remove(session, source.id)
        flash(_("Die Quelle und ihr Kalender sind gelöscht."))
        return redirect(url_for("sources.index", partner=partner["slug"]))
    return render_template("calendar/sources/delete.html", source=source, partner=partner)
