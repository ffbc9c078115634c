"""Find a room: filters and a wanted window -> the rooms free then, best fit first with the
reasons (domain.fit), each with its week folded away; when none is free, the nearest times a
matching room is free and the rooms free at the wanted time that miss a wish."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template, request
from flask_babel import gettext as _

from shared.auth import login_required
from shared.web.request_db import db
from shared.web.typed_fields import DATE_HINT, TIME_HINT, WEEKDAY_NAMES, choices

from services.rooms import wording
from services.rooms.booking import alternatives
from services.rooms.db import occupancy, queries, week_terms
from services.rooms.domain import fit
from services.rooms.request_context import ctx, partner_names
from services.rooms.web import grid, reasons
from services.rooms.web.blueprint import bp
from services.rooms.web.forms import SearchForm, equipment_choices

MAX_RESULTS = 60
ACCESS_FILTERS = ("lift", "accessible_toilet", "hearing_loop")  # step-free is also a wish of the ranking


@bp.get("/")
@bp.get("/suche")
@login_required
def index():
    session, context = db(), ctx()
    rooms = queries.active_rooms(session, context.inactive_partners)
    form = SearchForm(request.args)
    form.district.choices = choices(
        [("", _("– alle –"))] + [(d, d) for d in sorted({r.district for r in rooms if r.district})]
    )
    form.equipment.choices = equipment_choices(wording.equipment_label, request.args.getlist("equipment"))
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
        reason_text=reasons.summary,
        date_hint=DATE_HINT,
        time_hint=TIME_HINT,
        access_of=wording.access_facts,
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
    day, start, end = wanted_day(form, today), form.start.data, form.end.data
    wish = fit.Wish(
        people=form.capacity.data or 0,
        equipment=frozenset(form.equipment.data or ()),
        step_free=bool(form.step_free.data),
        district=form.district.data or "",
    )
    filters = {
        "district": wish.district,
        "capacity": wish.people,
        "equipment": wish.equipment,
        "step_free": wish.step_free,
        "access": [fact for fact in ACCESS_FILTERS if getattr(form, fact).data],
    }
    ranked = alternatives.rooms_free(session, day, start, end, wish, context, **filters)
    monday = grid.monday_of(day)
    week_start = datetime.combine(monday, datetime.min.time(), tzinfo=context.tz)
    results = []
    shown = ranked[:MAX_RESULTS]
    closed = week_terms.closed_terms(session, [f.room for f in shown], monday, monday + timedelta(days=6))
    for found in shown:
        held = occupancy.holdings_between(
            session, found.room.id, week_start, week_start + timedelta(days=7), slack=timedelta(seconds=1)
        )
        results.append((found, grid.week(monday, held, context.tz, (day, start, end), closed[found.room.id])))
    other_times, other_rooms = [], []
    if not ranked:  # what comes closest: a matching room at another time, another room now
        other_times = alternatives.searched_times(session, day, start, end, wish, context, **filters)
        other_rooms = alternatives.rooms_free(session, day, start, end, wish, context)[: alternatives.MAX_ROOMS]
    return {
        "day": day,
        "start": start,
        "end": end,
        "results": results,
        "more": max(len(ranked) - MAX_RESULTS, 0),
        "other_times": other_times,
        "other_rooms": other_rooms,
    }
