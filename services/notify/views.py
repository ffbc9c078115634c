"""HTTP layer of the notify service: the delivery log (and, under make run, the captured
messages), and re-sending a failed delivery."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from shared.messaging import publish
from shared.web import coordination_required, current_account, db, login_required

from services.notify import delivery as deliveries
from services.notify.domain.mime import read_email
from services.notify.domain.preferences import KINDS
from services.notify.models import CHANNELS, FAILURES, STATUSES, CapturedMessage, Delivery

bp = Blueprint("notify", __name__, url_prefix="/notify", template_folder="templates")
PAGE_SIZE = 100
MAX_QUERY = 200


def N_(text: str) -> str:
    """Marks a text for the catalogue (babel's keyword) without translating it here."""
    return text


# delivery.requeue refuses with a reason code; these are its words (translated when flashed)
RESEND_REFUSALS = {
    "not_failed": N_("Nur fehlgeschlagene Nachrichten können erneut gesendet werden."),
    "unsendable": N_("Diese Nachricht kann nicht gesendet werden: die Adresse oder Nummer ist ungültig."),
}


def _visible():
    """Deliveries this account may see: all for the coordination office, else its own."""
    me = current_account()
    query = select(Delivery)
    if not me.is_coordination:
        query = query.where(Delivery.account_id == me.account_id)
    return query


def _delivery_or_404(delivery_id: int) -> Delivery:
    row = db().scalars(_visible().where(Delivery.id == delivery_id)).first()
    if row is None:  # someone else's delivery looks the same as a missing one
        abort(404)
    return row


def _filters(allowed: dict) -> tuple[dict, list[str]]:
    """The list filters from the query string; unknown values become German errors."""
    values, errors = {}, []
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        errors.append(_("Der Suchtext ist zu lang (höchstens %(n)s Zeichen).", n=MAX_QUERY))
    values["q"] = q[:MAX_QUERY]
    for name, options in allowed.items():
        value = request.args.get(name, "")
        if value and value not in options:
            errors.append(_unknown(name))
            value = ""
        values[name] = value
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        errors.append(_("Die Seitenzahl muss eine positive ganze Zahl sein."))
        page = "1"
    values["page"] = int(page)
    return values, errors


def _unknown(name: str) -> str:
    return {"status": _("Unbekannter Status. Bitte wählen Sie einen aus der Liste."),
            "kind": _("Unbekannter Anlass. Bitte wählen Sie einen aus der Liste."),
            "channel": _("Unbekannter Weg. Bitte wählen Sie E-Mail oder SMS."),
            "why": _("Unbekannter Grund. Bitte wählen Sie einen aus der Liste.")}[name]


def _filtered(query, f: dict):
    if f["q"]:
        query = query.where(or_(*(column.icontains(f["q"], autoescape=True) for column in
                                  (Delivery.recipient, Delivery.subject, Delivery.text, Delivery.last_error))))
    for name, column in (("status", Delivery.status), ("kind", Delivery.kind), ("channel", Delivery.channel),
                         ("why", Delivery.failure)):
        if f.get(name):
            query = query.where(column == f[name])
    return query


def _page_of(query, page: int):
    rows = db().scalars(query.order_by(Delivery.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _counts(column, query) -> dict[str, int]:
    """How many visible deliveries per value of `column` (under the other filters)."""
    sub = query.subquery()
    return dict(db().execute(select(sub.c[column.key], func.count()).group_by(sub.c[column.key])).all())


@bp.get("/")
@login_required
def index():
    f, errors = _filters({"status": STATUSES, "kind": KINDS, "channel": CHANNELS})
    context = dict(f=f, statuses=STATUSES, kinds=KINDS, channels=CHANNELS, errors=errors)
    if errors:
        return render_template("notify/index.html", rows=[], counts={}, more=False, **context), 400
    rows, more = _page_of(_filtered(_visible(), f), f["page"])
    counts = _counts(Delivery.status, _filtered(_visible(), {**f, "status": ""}))
    return render_template("notify/index.html", rows=rows, counts=counts, more=more, **context)


@bp.get("/dead")
@login_required
def dead():
    """Given up: failed permanently (retrying cannot help) or after all retries, with the reason."""
    f, errors = _filters({"why": FAILURES, "kind": KINDS, "channel": CHANNELS})
    context = dict(f=f, failures=FAILURES, kinds=KINDS, channels=CHANNELS, errors=errors)
    if errors:
        return render_template("notify/dead.html", rows=[], counts={}, more=False, **context), 400
    failed = _visible().where(Delivery.status == "failed")
    rows, more = _page_of(_filtered(failed, f), f["page"])
    counts = _counts(Delivery.failure, _filtered(failed, {**f, "why": ""}))
    return render_template("notify/dead.html", rows=rows, counts=counts, more=more, **context)


@bp.get("/deliveries/<int:delivery_id>")
@login_required
def show(delivery_id: int):
    row = _delivery_or_404(delivery_id)
    captured = db().scalars(select(CapturedMessage).where(CapturedMessage.delivery_id == row.id)
                            .order_by(CapturedMessage.id.desc())).first()
    mail = read_email(row.body) if row.channel == "email" and row.body else None
    return render_template("notify/delivery.html", row=row, captured=captured, mail=mail)


@bp.get("/deliveries/<int:delivery_id>/invite.ics")
@login_required
def invitation(delivery_id: int):
    row = _delivery_or_404(delivery_id)
    mail = read_email(row.body) if row.channel == "email" and row.body else None
    if mail is None or not mail.calendar:
        abort(404)
    return Response(mail.calendar, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="buchung-{row.booking_id}.ics"'})


@bp.post("/deliveries/<int:delivery_id>/resend")
@coordination_required
def resend(delivery_id: int):
    row = _delivery_or_404(delivery_id)
    try:
        deliveries.requeue(db(), row)
    except deliveries.ResendRefused as refused:
        db().rollback()
        flash(_(RESEND_REFUSALS[refused.reason]))
        return redirect(url_for("notify.show", delivery_id=delivery_id)), 303
    db().commit()
    try:
        publish(current_app.extensions["celery"], "notify.send_delivery", {"delivery_id": row.id}, "notify")
    except Exception:  # broker down: put it back so the button can be pressed again later
        current_app.logger.exception("could not queue resend of delivery %s", row.id)
        row.status = "failed"
        db().commit()
        flash(_("Die Nachricht konnte gerade nicht eingereiht werden. Bitte versuchen Sie es später erneut."))
        return redirect(url_for("notify.show", delivery_id=delivery_id)), 303
    flash(_("Die Nachricht wird erneut gesendet."))
    return redirect(url_for("notify.show", delivery_id=delivery_id)), 303


def _labels() -> dict:
    return {
        "status": {"queued": _("wartet"), "sending": _("wird gesendet"), "sent": _("gesendet"),
                   "retrying": _("neuer Versuch geplant"), "failed": _("fehlgeschlagen")},
        "kind": {"requested": _("Anfrage"), "approved": _("genehmigt"), "declined": _("abgelehnt"),
                 "confirmed": _("bestätigt"), "changed": _("geändert"), "cancelled": _("abgesagt"),
                 "reminder": _("Erinnerung")},
        "channel": {"email": _("E-Mail"), "sms": _("SMS")},
        "failure": {"permanent": _("dauerhaft fehlgeschlagen"), "exhausted": _("alle Versuche erfolglos"),
                    "": _("fehlgeschlagen")},
    }


def init_app(app) -> None:
    from services.notify.preference_views import bp as preferences_bp

    app.register_blueprint(bp)
    app.register_blueprint(preferences_bp)
    app.context_processor(lambda: {"labels": _labels()})
