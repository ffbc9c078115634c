"""/calendar/region/: the coordination office follows other networks' calendars on the fediverse
(fediverse/region.py) and approves what of them shows on the public pages: a whole source, or
event by event. Thin: forms in, the use cases called in one unit of work, the page out."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from shared.auth import coordination_required, current_account
from shared.clock import utcnow
from shared.web.request_db import db, unit_of_work

from services.calendar.fediverse import delivery, region
from services.calendar.store.sql_fediverse import Region

bp = Blueprint("region", __name__, url_prefix="/calendar/region", template_folder="../templates")

STATES = {"requested": _l("angefragt"), "accepted": _l("folgt"), "rejected": _l("abgelehnt")}


class FollowSource(FlaskForm):
    address = StringField(
        _l("Adresse des Kontos (z. B. treffpunkt@andere-stadt.de oder https://…)"),
        validators=[
            DataRequired(message=_l("Bitte geben Sie die Adresse des Kontos an, dem Sie folgen möchten.")),
            Length(max=300, message=_l("Höchstens 300 Zeichen.")),
        ],
    )


def _page(form: FollowSource, status: int = 200, error: str | None = None):
    store = Region(db())
    sources = store.sources()
    names = {s.id: s.name for s in sources}
    return (
        render_template(
            "calendar/region.html",
            form=form,
            error=error,
            sources=sources,
            events=store.events(),
            names=names,
            states=STATES,
        ),
        status,
    )


@bp.get("/")
@coordination_required
def index():
    return _page(FollowSource(formdata=None))


@bp.post("/follow")
@coordination_required
def follow():
    form = FollowSource()
    if not form.validate():
        return _page(form, 400)
    me = current_account()
    assert me is not None and me.partner_id is not None  # coordination_required
    try:
        with unit_of_work() as session:
            source, sent = region.follow(session, form.address.data, me.partner_id, utcnow())
            name = source.name
    except region.SourceProblem as problem:
        return _page(form, 400, str(problem))
    delivery.queue(current_app.extensions["celery"], sent)
    flash(_("Anfrage an „%(name)s“ gesendet. Sobald das Konto zustimmt, kommen seine Termine hier an.", name=name))
    return redirect(url_for("region.index"), 303)


@bp.post("/sources/<int:source_id>")
@coordination_required
def approve_source(source_id: int):
    approved = request.form.get("approved") == "1"
    with unit_of_work() as session:
        if not region.approve_source(session, source_id, approved):
            abort(404)
    flash(
        _("Alle Termine dieser Quelle sind jetzt öffentlich.")
        if approved
        else _("Die Freigabe der Quelle ist zurückgenommen.")
    )
    return redirect(url_for("region.index"), 303)


@bp.post("/events/<int:event_id>")
@coordination_required
def approve_event(event_id: int):
    approved = request.form.get("approved") == "1"
    with unit_of_work() as session:
        if not region.approve_event(session, event_id, approved):
            abort(404)
    flash(_("Der Termin ist jetzt öffentlich.") if approved else _("Der Termin ist nicht mehr öffentlich."))
    return redirect(url_for("region.index"), 303)
