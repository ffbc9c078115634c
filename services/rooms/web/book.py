"""The room page: its week, the booking form with recurrence, the preview of every date
(conflicts as far as the booker may see them, rule violations, a checkbox to drop each) and
the binding booking. Without JavaScript: the preview is the same form posted again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shared.auth import login_required
from shared.identity.store import Principal
from shared.web.request_db import db, unit_of_work

from services.rooms import domain, wording
from services.rooms.answers import BOOKING_CONFLICT, INVALID_INPUT, SERIES_CONFLICT, Answer
from services.rooms.booking import alternatives, series
from services.rooms.booking.errors import RoomRetired, RoomsError
from services.rooms.db import occupancy, queries, week_terms
from services.rooms.domain import permissions, visible_title
from services.rooms.request_context import ctx, preview_session
from services.rooms.web import grid, reasons
from services.rooms.web.blueprint import PageError, bp, clock_arg, day_arg, refusal, shown, signed_in
from services.rooms.web.forms import BookingForm


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
    return domain.Recurrence(
        form.date.data,
        form.start.data,
        form.end.data,
        "weekly" if freq == "nweekly" else freq,
        interval,
        count,
        until,
        ordinal,
        frozenset(skip),
    )


@bp.route("/<int:room_id>", methods=["GET", "POST"])
@login_required
def room(room_id: int):
    form = BookingForm()
    if form.is_submitted() and _retired(room_id):  # said before any field is checked: no field helps
        return _page(room_id, form, status=409, error=shown(refusal(RoomRetired(room_id), ctx())))
    if not form.is_submitted():
        _prefill(form)
        return _page(room_id, form)
    if not form.validate():
        return _page(room_id, form, status=400)
    me, context, rec = signed_in(), ctx(), recurrence_of(form)
    try:
        if request.form.get("action") == "preview":
            with preview_session() as session:
                dates = series.preview(session, me, room_id, rec, form.title.data, context)
            return _page(room_id, form, preview=dates)
        with unit_of_work() as session:
            booking = series.book(
                session, me, room_id, rec, form.title.data, form.public.data, context, form.description.data or ""
            )
    except RoomsError as exc:
        return _refused(room_id, form, rec, refusal(exc, context))
    flash(
        _("Ihre Anfrage ist gesendet; der Raum wird erst mit der Freigabe gebucht.")
        if booking.status == "requested"
        else _("Ihre Buchung ist bestätigt.")
    )
    return redirect(url_for("rooms.booking", booking_id=booking.id))


def _retired(room_id: int) -> bool:
    # not on the request's session: on SQLite its read would hold the file until the request
    # ends, and the booking's own transaction could then not write ("database is locked")
    with preview_session() as session:
        found = queries.any_room(session, room_id)
        return found is not None and not found.active


def _refused(room_id: int, form: BookingForm, rec: domain.Recurrence, answer: Answer):
    """The form again with the refusal."""
    if answer.code == INVALID_INPUT:
        form.add_problems(answer.errors)
        return _page(room_id, form, status=answer.status)
    dates = None  # after a conflict the page lists every date again, as it stands now
    if answer.code == SERIES_CONFLICT:
        with preview_session() as session:
            dates = series.preview(session, signed_in(), room_id, rec, form.title.data, ctx())
    instead = (
        _instead(room_id, rec) if rec.freq == "once" and answer.code in (SERIES_CONFLICT, BOOKING_CONFLICT) else None
    )
    error = shown(answer, with_details=False)
    return _page(room_id, form, status=answer.status, error=error, preview=dates, instead=instead)


def _instead(room_id: int, rec: domain.Recurrence) -> dict | None:
    """For a one-off date that is taken or breaks a rule: the room's nearest free times and
    rooms like it free at the wanted time (booking.alternatives)."""
    context = ctx()
    with preview_session() as session:
        found = queries.room(session, room_id)
        if found is None:
            return None
        day, start, end = rec.first_day, rec.start, rec.end
        times = alternatives.free_times(session, signed_in(), room_id, day, start, end, context)
        rooms = alternatives.other_rooms(session, found, day, start, end, context)
    return {"times": times, "rooms": rooms, "day": day, "start": start, "end": end} if times or rooms else None


def _page(room_id: int, form, status: int = 200, error: PageError | None = None, preview=None, instead=None):
    me, context, session = signed_in(), ctx(), db()
    found = queries.any_room(session, room_id)  # a retired room's page says so, for its past bookings
    if found is None:
        abort(404)
    upcoming = _upcoming(session, found, me, context)
    rules = queries.rules_of(session, found.id)
    asks = domain.needs_approval(rules, found.partner_id, me.partner_id, me.partner_id)
    first = form.date.data if form.date.data and not form.date.errors else context.now.astimezone(context.tz).date()
    monday = grid.monday_of(_shown_week(first))
    start = datetime.combine(monday, time(0), tzinfo=context.tz)
    held = occupancy.holdings_between(session, found.id, start, start + timedelta(days=7), slack=timedelta(seconds=1))
    wanted = (first, form.start.data, form.end.data) if form.start.data and form.end.data and not form.errors else None
    closed = week_terms.closed_terms(session, [found], monday, monday + timedelta(days=6))[found.id]
    return render_template(
        "rooms/room.html",
        room=found,
        form=form,
        error=error,
        upcoming=upcoming,
        owner=context.partner_name_of(found.partner_id),
        messages=wording,
        asks=asks,
        rules=rules,
        preview=preview,
        week=grid.week(monday, held, context.tz, wanted, closed),
        earlier=monday - timedelta(weeks=1),
        later=monday + timedelta(weeks=1),
        partner_name=context.partner_name_of,
        skipped=set(form.skip.data or ()),
        instead=instead,
        reason_text=reasons.summary,
        access=wording.access_facts(found),
        may_edit=permissions.can_update_room(found, me),
    ), status


@dataclass(frozen=True)
class _Sides:
    booker_partner_id: int
    owner_partner_id: int


@dataclass(frozen=True)
class ComingDate:
    """One line of the room's upcoming list as this viewer may see it: `person` (who booked,
    with contact) only when the viewer sees the whole booking (permissions.can_see_details)."""

    date: occupancy.Upcoming
    title: str
    details: bool
    person: Principal | None = None


def _upcoming(session, room, me, context) -> list[ComingDate]:
    """The room's owner and the coordination office see every booking in full, requests waiting
    for their approval included; the booker's side its own; anyone else "belegt"."""
    decides = permissions.can_decide(_Sides(0, room.partner_id), me)
    found = []
    for d in occupancy.upcoming(session, room.id, context.now, with_pending=decides):
        if permissions.can_see_details(_Sides(d.partner_id, room.partner_id), me):  # booker looked up once a request
            found.append(ComingDate(d, d.title, True, context.principal_of(d.account_id)))
        else:
            found.append(ComingDate(d, visible_title(d.title, d.partner_id, me.partner_id), False))
    return found


def _prefill(form: BookingForm) -> None:
    """From a search result's or an alternative's link: the wanted date and window (a mangled
    link leaves them empty), and the title typed before the slot was taken (checked on posting)."""
    form.date.data = day_arg("date") or form.date.data
    start, end = clock_arg("start"), clock_arg("end")
    if start and end:
        form.start.data, form.end.data = start, end
    form.title.data = request.args.get("title", "")[: domain.TITLE_MAX] or form.title.data


def _shown_week(default: date) -> date:
    """?woche=YYYY-MM-DD leafs through the room's weeks (plain links, no JavaScript)."""
    return day_arg("woche") or default
