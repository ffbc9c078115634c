"""The partner writes to everyone on a shift (exchange/shift_message.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import ngettext

from shared.auth import login_required
from shared.web.request_db import unit_of_work

from services.engagement.exchange import shift_message
from services.engagement.exchange.errors import NotFound
from services.engagement.exchange.offers import FormProblems
from services.engagement.web import wording
from services.engagement.web.access import opportunity_for
from services.engagement.web.context import ctx
from services.engagement.web.forms import ShiftMessageForm

bp = Blueprint("engagement_shift_message", __name__)
PATH = "/engagement/partner/opportunities/<int:opportunity_id>/shifts/<int:shift_id>/message"


@bp.route(PATH, methods=["GET", "POST"])
@login_required
def write(opportunity_id: int, shift_id: int):
    opportunity = opportunity_for(opportunity_id, "message_shift")
    shift = next((s for s in opportunity.shifts if s.id == shift_id), None)
    if shift is None:
        raise NotFound()
    form, status = ShiftMessageForm(), 200
    if form.validate_on_submit():
        try:
            with unit_of_work() as session:
                owned = opportunity_for(opportunity_id, "message_shift", session)
                sent = shift_message.send(
                    session,
                    ctx(),
                    owned,
                    shift_id,
                    form.subject.data or "",
                    form.text.data or "",
                    bool(form.sms.data),
                    form.audience.data or "",
                )
        except FormProblems as refused:
            for name, code in refused.problems.items():
                getattr(form, name).errors = [wording.message_problem(code)]
            status = 400
        else:
            flash(ngettext("Die Nachricht geht an %(num)s Person.", "Die Nachricht geht an %(num)s Personen.", sent))
            return redirect(
                url_for("engagement_shift_message.write", opportunity_id=opportunity_id, shift_id=shift_id), 303
            )
    elif form.is_submitted():
        status = 400
    people = [s for s in shift.signups if s.state in ("confirmed", "waiting")]
    return render_template(
        "engagement/shift_message.html", opportunity=opportunity, shift=shift, form=form, people=people
    ), status
