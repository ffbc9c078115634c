"""The room page: its week, the booking form with recurrence, the preview of every date
(conflicts as far as the booker may see them, rule violations, a checkbox to drop each) and
the binding booking. Without JavaScript: the preview is the same form posted again."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth import current_account, login_required
from shared.web.request_db import db

from services.rooms import domain, messages, queries, series
from services.rooms.domain import visible_title
from services.rooms.errors import (BookingConflict, InvalidInput, NotAllowed, RoomNotFound, SeriesConflict)
from services.rooms.forms import BookingForm

from services.rooms.views import bp, clock_arg, day_arg, grid, partner_name
from services.rooms.webctx import ctx


def recurrence_of(form: BookingForm) -> domain.Recurrence:
    freq = form.freq.data or "once"
    interval = (form.interval.data or 1) if freq == "nweekly" else 1
    skip = set()
    for value in form.skip.data or ():
        try:
            skip.add(date.fromisoformat(value))
        except ValueError:
            pass  # a tampered checkbox value drops nothing
    ordinal = int(form.ordinal.data) if freq == "monthly" and form.ordinal.data else None
    until, count = (form.until.data, form.count.data) if freq != "once" else (None, None)
    return domain.Recurrence(form.date.data, form.start.data, form.end.data,
                             "weekly" if freq == "nweekly" else freq, interval, count, until, ordinal,
                             frozenset(skip))


@bp.route("/<int:room_id>", methods=["GET", "POST"])
@login_required
def room(room_id: int):
    found = queries.room(db(), room_id)
    if found is None:
        abort(404)
    form = BookingForm()
    if not form.is_submitted():
        _prefill(form)
        return _page(found, form)
    if not form.validate():
        return _page(found, form, status=400)
    context, me = ctx(), current_account()
    rec = recurrence_of(form)
    try:
        if request.form.get("action") == "preview":
            return _page(found, form, preview=series.preview(db(), me, found.id, rec, form.title.data, context))
        booking = series.book(db(), me, found.id, rec, form.title.data, form.public.data, context)
    except InvalidInput as exc:
        form.add_problems(messages.problems(exc.problems))
        return _page(found, form, status=400)
    except SeriesConflict:
        again = series.preview(db(), me, found.id, rec, form.title.data, context)
        return _page(found, form, status=409, preview=again, error=_conflict_text(again.blocked))
    except BookingConflict as exc:
        return _page(found, form, status=409, error=messages.conflict(exc.conflict))
    except NotAllowed as exc:
        return _page(found, form, status=403, error=messages.problem(str(exc.args[0])))
    except RoomNotFound:
        abort(404)
    flash(_("Ihre Anfrage ist gesendet; der Raum wird erst mit der Freigabe gebucht.")
          if booking.status == "requested" else _("Ihre Buchung ist bestätigt."))
    return redirect(url_for("rooms.booking", booking_id=booking.id))


def _page(found, form, status: int = 200, error: str | None = None, preview=None):
    me, context = current_account(), ctx()
    session = db()
    upcoming = [(h, visible_title(h.title, h.partner_id, me.partner_id))
                for h in queries.upcoming(session, found.id, context.now)]
    rules = queries.rules_of(session, found.id)
    asks = rules.approval_required and me.partner_id != found.partner_id
    first = form.date.data if form.date.data and not form.date.errors else context.now.astimezone(context.tz).date()
    monday = grid.monday_of(_shown_week(first))
    start = grid_start(monday, context.tz)
    held = queries.holdings_between(session, found.id, start, start + timedelta(days=7), slack=timedelta(seconds=1))
    wanted = (first, form.start.data, form.end.data) if form.start.data and form.end.data and not form.errors else None
    return render_template("rooms/room.html", room=found, form=form, error=error, upcoming=upcoming,
                           owner=partner_name(found.partner_id), messages=messages, asks=asks, rules=rules,
                           preview=preview, week=grid.week(monday, held, context.tz, wanted),
                           earlier=monday - timedelta(weeks=1), later=monday + timedelta(weeks=1),
                           partner_name=partner_name, skipped=set(form.skip.data or ())), status


def grid_start(monday: date, tz):
    from datetime import datetime, time

    return datetime.combine(monday, time(0), tzinfo=tz)


def _prefill(form: BookingForm) -> None:
    """From a search result's link: the wanted date and window (a mangled link leaves them empty)."""
    form.date.data = day_arg("date") or form.date.data
    start, end = clock_arg("start"), clock_arg("end")
    if start and end:
        form.start.data, form.end.data = start, end


def _conflict_text(blocked) -> str:
    if len(blocked) == 1 and blocked[0].conflicts:
        return messages.conflict(blocked[0].conflicts[0])
    return messages.series_conflict(blocked) if blocked else messages.conflict(None)


def _shown_week(default: date) -> date:
    """?woche=YYYY-MM-DD leafs through the room's weeks (plain links, no JavaScript)."""
    return day_arg("woche") or default
