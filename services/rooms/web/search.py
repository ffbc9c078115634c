"""Find a room: filters and a wanted window -> the rooms free then, each with its week."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template, request
from flask_babel import gettext as _

from shared.auth import login_required
from shared.web.request_db import db

from services.rooms import domain, wording
from services.rooms.db import occupancy, queries, week_terms
from services.rooms.request_context import ctx, partner_names
from services.rooms.web import grid
from services.rooms.web.blueprint import bp
from services.rooms.web.forms import WEEKDAY_NAMES, SearchForm, choices, equipment_choices

MAX_RESULTS = 60


@bp.get("/")
@bp.get("/suche")
@login_required
def index():
    session, context = db(), ctx()
    rooms = queries.active_rooms(session)
    form = SearchForm(request.args)
    form.district.choices = choices(
        [("", _("– alle –"))] + [(d, d) for d in sorted({r.district for r in rooms if r.district})]
    )
    form.equipment.choices = equipment_choices(wording.equipment_label)
    searched = any(request.args.get(k) for k in ("weekday", "day", "start", "end"))
    found, status = None, 200
    if searched:
        form.validate()
        if _window_problems(form):
            status = 400
        else:
            found = _search(session, form, context)
    return render_template(
        "rooms/index.html",
        rooms=rooms,
        partners=partner_names(),
        form=form,
        found=found,
        searched=searched,
        weekday_names=WEEKDAY_NAMES,
    ), status


def _window_problems(form: SearchForm) -> bool:
    """Attach German errors to the fields of an incomplete window; True when there were any."""
    if form.weekday.data == "" and form.day.data is None and not form.day.errors:
        form.day.errors = [_("Bitte wählen Sie einen Wochentag oder ein Datum.")]
    if form.start.data is None and not form.start.errors:
        form.start.errors = [_("Bitte geben Sie an, ab wann der Raum frei sein soll, z. B. 15:00.")]
    if form.end.data is None and not form.end.errors:
        form.end.errors = [_("Bitte geben Sie an, bis wann der Raum frei sein soll, z. B. 17:00.")]
    if form.start.data and form.end.data and form.end.data <= form.start.data:
        form.end.errors = [_("Das Ende muss nach dem Beginn liegen.")]
    return bool(form.errors)


def wanted_day(form: SearchForm, today: date) -> date:
    """The date asked for, or the next such weekday from tomorrow on."""
    if form.day.data:
        return form.day.data
    ahead = (int(form.weekday.data) - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _search(session, form: SearchForm, context) -> dict:
    today = context.now.astimezone(context.tz).date()
    day = wanted_day(form, today)
    slot = domain.Slot(
        datetime.combine(day, form.start.data, tzinfo=context.tz),
        datetime.combine(day, form.end.data, tzinfo=context.tz),
    )
    rooms = occupancy.free_rooms(
        session,
        slot,
        form.district.data or "",
        form.capacity.data or 0,
        form.equipment.data or (),
        bool(form.step_free.data),
        now=context.now,
        tz=context.tz,
    )
    monday = grid.monday_of(day)
    start = datetime.combine(monday, datetime.min.time(), tzinfo=context.tz)
    results = []
    closed = week_terms.closed_terms(session, rooms[:MAX_RESULTS], monday, monday + timedelta(days=6))
    for room in rooms[:MAX_RESULTS]:
        held = occupancy.holdings_between(
            session, room.id, start, start + timedelta(days=7), slack=timedelta(seconds=1)
        )
        wanted = (day, form.start.data, form.end.data)
        results.append((room, grid.week(monday, held, context.tz, wanted, closed[room.id])))
    return {
        "day": day,
        "start": form.start.data,
        "end": form.end.data,
        "results": results,
        "more": max(len(rooms) - MAX_RESULTS, 0),
    }
