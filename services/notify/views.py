"""HTTP layer of the notify service: the delivery log (and, under make run, the captured
messages), and re-sending a failed delivery."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Flask, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from shared.auth import current_account, login_required
from shared.messaging import publish
from shared.signed_links import redact
from shared.web.request_db import db, unit_of_work

from services.notify import delivery as deliveries, filters, retention
from services.notify.domain import permissions
from services.notify.domain.mime import read_email
from services.notify.domain.permissions import Action
from services.notify.domain.preferences import KINDS
from services.notify.filters import PAGE_SIZE
from services.notify.models import CHANNELS, FAILURES, STATUSES, CapturedMessage, Delivery
from services.notify.preference_views import bp as preferences_bp

bp = Blueprint(
    "notify",
    __name__,
    url_prefix="/notify",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/notify",
)


def N_(text: str) -> str:
    """Marks a text for the catalogue (babel's keyword) without translating it here."""
    return text


# delivery.requeue refuses with a reason code; these are its words (translated when flashed)
RESEND_REFUSALS = {
    "not_failed": N_("Nur fehlgeschlagene Nachrichten können erneut gesendet werden."),
    "erased": N_(
        "Der Inhalt dieser Nachricht wurde nach Ablauf der Aufbewahrungsfrist gelöscht. Sie kann nicht erneut gesendet werden."
    ),
    "unsendable": N_("Diese Nachricht kann nicht gesendet werden: die Adresse oder Nummer ist ungültig."),
}


def _visible():
    """Deliveries the reader may see (permissions.allowed(SEE) for each row), as a query."""
    me = current_account()
    query = select(Delivery)
    if not permissions.sees_everyone(me):
        query = query.where(Delivery.account_id == me.account_id)
    return query


def _delivery_or_404(delivery_id: int, session: Session | None = None) -> Delivery:
    row = (session or db()).get(Delivery, delivery_id)
    if row is None or not permissions.allowed(Action.SEE, current_account(), row.account_id):
        abort(404)  # someone else's delivery looks the same as a missing one
    return row


def _filtered(query, f: dict):
    if f["q"]:
        query = query.where(
            or_(
                *(
                    column.icontains(f["q"], autoescape=True)
                    for column in (Delivery.recipient, Delivery.subject, Delivery.text, Delivery.last_error)
                )
            )
        )
    for name, column in (
        ("status", Delivery.status),
        ("kind", Delivery.kind),
        ("channel", Delivery.channel),
        ("why", Delivery.failure),
    ):
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
    f, errors = filters.read(filters.LogFilters(), request.args)
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
    f, errors = filters.read(filters.GivenUpFilters(), request.args)
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
    captured = (
        db()
        .scalars(
            select(CapturedMessage).where(CapturedMessage.delivery_id == row.id).order_by(CapturedMessage.id.desc())
        )
        .first()
    )
    mail = read_email(row.body) if row.channel == "email" and row.body else None
    if mail is not None and not current_app.config["SETTINGS"].demo:
        # a signed link stands in for a login (it sets a password, confirms a volunteer's offer,
        # opens their commitments): it is for its recipient's mailbox only (make run shows it,
        # since there the captured mail is the only mailbox)
        mail = replace(mail, text=redact(mail.text), html=redact(mail.html))
    return render_template("notify/delivery.html", row=row, captured=captured, mail=mail)


@bp.get("/deliveries/<int:delivery_id>/invite.ics")
@login_required
def invitation(delivery_id: int):
    row = _delivery_or_404(delivery_id)
    mail = read_email(row.body) if row.channel == "email" and row.body else None
    if mail is None or not mail.calendar:
        abort(404)
    name = f"buchung-{row.booking_id}.ics" if row.booking_id else "einladung.ics"  # 0: about no booking
    return Response(
        mail.calendar, mimetype="text/calendar", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.post("/deliveries/<int:delivery_id>/resend")
@login_required
def resend(delivery_id: int):
    if not permissions.allowed(Action.RESEND, current_account()):
        abort(403)
    with unit_of_work() as session:
        row = _delivery_or_404(delivery_id, session)
        try:
            deliveries.requeue(row)
        except deliveries.ResendRefused as refused:  # refused before anything changed
            flash(_(RESEND_REFUSALS[refused.reason]))
            return redirect(url_for("notify.show", delivery_id=delivery_id)), 303
    try:
        publish(current_app.extensions["celery"], "notify.send_delivery", {"delivery_id": row.id}, "notify")
    except Exception:  # broker down: put it back so the button can be pressed again later
        current_app.logger.exception("could not queue resend of delivery %s", row.id)
        with unit_of_work() as session:
            session.execute(update(Delivery).where(Delivery.id == row.id).values(status="failed"))
        flash(_("Die Nachricht konnte gerade nicht eingereiht werden. Bitte versuchen Sie es später erneut."))
        return redirect(url_for("notify.show", delivery_id=delivery_id)), 303
    flash(_("Die Nachricht wird erneut gesendet."))
    return redirect(url_for("notify.show", delivery_id=delivery_id)), 303


def _labels() -> dict:
    return {
        "status": {
            "queued": _("wartet"),
            "sending": _("wird gesendet"),
            "sent": _("gesendet"),
            "retrying": _("neuer Versuch geplant"),
            "failed": _("fehlgeschlagen"),
        },
        "kind": {
            "requested": _("Anfrage"),
            "approved": _("freigegeben"),
            "declined": _("abgelehnt"),
            "confirmed": _("bestätigt"),
            "changed": _("geändert"),
            "cancelled": _("abgesagt"),
            "reminder": _("Erinnerung"),
            "invite": _("Einladung"),
            "reset": _("Passwort vergessen"),
            "export": _("Daten bereit"),
            "itip_reply": _("Antwort eines Raums"),
            "itip_request": _("Termineinladung oder -absage"),
            # from the Engagementbörse ("declined" and "reminder" are named above)
            "confirm": _("E-Mail-Adresse bestätigen"),
            "application": _("Meldung für ein Engagement"),
            "accepted": _("Engagement zugesagt"),
            "in_touch": _("Kontakt aufgenommen"),
            "signed_up": _("für eine Schicht eingetragen"),
            "waiting": _("auf der Warteliste"),
            "moved_up": _("von der Warteliste nachgerückt"),
            "withdrawn": _("von einer Schicht abgemeldet"),
            "removed": _("aus einer Schicht ausgetragen"),
            "shift_message": _("Nachricht zur Schicht"),
            "interest": _("Interesse an einem Engagement"),
            "interest_match": _("passendes Engagement gefunden"),
            "deleted": _("Engagement-Daten gelöscht"),
        },
        "channel": {"email": _("E-Mail"), "sms": _("SMS")},
        "failure": {
            "permanent": _("dauerhaft fehlgeschlagen"),
            "exhausted": _("alle Versuche erfolglos"),
            "": _("fehlgeschlagen"),
        },
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(preferences_bp)
    app.context_processor(lambda: {"labels": _labels(), "retention_days": app.config["SETTINGS"].delivery_log_days})
    app.jinja_env.tests["erased"] = retention.is_erased
