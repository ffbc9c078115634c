"""The queue of requests for the owner's side, with who asks (partner, person, contact), what for,
and the conflicts each waiting date would cause. The owner decides date by date (freigeben or
ablehnen, a comment each) or all dates at once, with one comment for the whole request."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth import current_account, login_required
from shared.web.request_db import db

from services.rooms import domain, wording
from services.rooms.booking import decide as deciding
from services.rooms.db import occupancy, queries
from services.rooms.domain.approval import APPROVE, DATE_COMMENT_MAX, DECLINE
from services.rooms.request_context import ctx
from services.rooms.web.blueprint import attempt, bp, shown, signed_in
from services.rooms.web.forms import DecisionForm
from services.rooms.web.mine import visible

DECISIONS = {"approve": deciding.approve, "decline": deciding.decline}


@bp.get("/requests")
@login_required
def requests():
    me, context = current_account(), ctx()
    queue = [  # principal_of looks each booker up once a request (request_context.ctx)
        (booking, _would_collide(booking, me, context), context.principal_of(booking.booker_account_id))
        for booking in queries.approval_queue(db(), me)
    ]
    return render_template(
        "rooms/requests.html",
        queue=queue,
        form=DecisionForm(),
        partner_name=context.partner_name_of,
        messages=wording,
        approve=APPROVE,
        decline=DECLINE,
        note_max=DATE_COMMENT_MAX,
    )


def _would_collide(booking, me, context) -> list:
    """(occurrence, [conflict lines]) for each pending date of a request."""
    pending = [o for o in booking.occurrences if o.state == "pending"]
    if not pending:
        return []
    rules = queries.rules_of(db(), booking.room_id)
    held = [
        h
        for h in occupancy.holdings_between(db(), booking.room_id, pending[0].starts_at, pending[-1].ends_at)
        if h.booking_id != booking.id
    ]
    return [
        (
            o,
            [
                wording.conflict_line(c, context.partner_name_of(c.partner_id))
                for c in domain.conflicts(domain.Slot(o.starts_at, o.ends_at), held, me.partner_id, rules.buffer)
            ],
        )
        for o in pending
    ]


@bp.post("/requests/<int:booking_id>/<decision>")
@login_required
def decide(booking_id: int, decision: str):
    """All waiting dates at once ("alle freigeben" / "alle ablehnen")."""
    if decision not in DECISIONS:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        visible(db(), booking_id)
        return _not_decided(_form_problem(form), 400)
    me, context = signed_in(), ctx()
    _done, refused = attempt(
        lambda session: DECISIONS[decision](
            session,
            me,
            visible(session, booking_id)[0].id,
            form.comment.data or "",
            context,
            sequence=form.seen_sequence(),
        ),
        context,
    )
    if refused:
        return _not_decided(shown(refused), refused.status)
    flash(_("Die Anfrage ist freigegeben.") if decision == "approve" else _("Die Anfrage ist abgelehnt."))
    return redirect(url_for("rooms.requests"))


@bp.post("/requests/<int:booking_id>/decide")
@login_required
def decide_dates(booking_id: int):
    """Date by date: `date-<id>` = approve (the default) or decline, `note-<id>` a comment."""
    form = DecisionForm()
    found = visible(db(), booking_id)[0]
    if not form.validate_on_submit():
        return _not_decided(_form_problem(form), 400)
    decisions, problem = _by_date(found)
    if problem:
        return _not_decided(problem, 400)
    me, context = signed_in(), ctx()
    _done, refused = attempt(
        lambda session: deciding.decide(
            session, me, found.id, decisions, form.comment.data or "", context, sequence=form.seen_sequence()
        ),
        context,
    )
    if refused:
        return _not_decided(shown(refused), refused.status)
    yes = sum(1 for d in decisions.values() if d.choice == APPROVE)
    no = len(decisions) - yes
    if not no:
        flash(_("Die Anfrage ist freigegeben."))
    elif not yes:
        flash(_("Die Anfrage ist abgelehnt."))
    else:
        flash(_("Entschieden: %(yes)s freigegeben, %(no)s abgelehnt.", yes=yes, no=no))
    return redirect(url_for("rooms.requests"))


def _by_date(found) -> tuple[dict[int, deciding.DateDecision], str | None]:
    """The decision on each waiting date as the form says it, or the first problem as a sentence.
    A date the form does not name is approved (the form's default); an unknown choice is refused."""
    decisions = {}
    for o in found.occurrences:
        if o.state != "pending":
            continue
        choice = request.form.get(f"date-{o.id}", APPROVE)
        note = (request.form.get(f"note-{o.id}") or "").strip()
        when = wording.when(o.starts_at, o.ends_at)
        if choice not in (APPROVE, DECLINE):
            return {}, _("Termin %(when)s: %(problem)s", when=when, problem=wording.problem("decision_unknown"))
        if code := domain.text_problem(note, DATE_COMMENT_MAX, multiline=True):
            return {}, _(
                "Kommentar zum Termin %(when)s: %(problem)s",
                when=when,
                problem=wording.text_problem(code, DATE_COMMENT_MAX),
            )
        decisions[o.id] = deciding.DateDecision(choice, note)
    return decisions, None


def _form_problem(form: DecisionForm) -> str:
    return " ".join(form.comment.errors) or _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.")


def _not_decided(error, status: int):
    return render_template(
        "rooms/message.html", title=_("Nicht entschieden"), error=error, back=url_for("rooms.requests")
    ), status
