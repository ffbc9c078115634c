"""The offering form's pages (staff, login): a partner's offerings, a new one (or a copy), an
edit, one date changed or cancelled with a public note, delete, and the coordination office's
"hide from the public pages". Thin: parse the form, ask domain/access, call offerings/editing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from shared.auth import current_account, identity, login_required
from shared.clock import utcnow
from shared.text import text_problem
from shared.web import pictures
from shared.web.request_db import db, unit_of_work

from services.calendar.domain import access, names, timeindex
from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.offering import public_dates
from services.calendar.offerings import editing
from services.calendar.public import formats
from services.calendar.public.links import public_url
from services.calendar.store import sql_images
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_offering_rooms import OfferingRooms
from services.calendar.web.offering_form import NOTE_MAX, DateChangeForm, OfferingForm

bp = Blueprint("offerings", __name__, url_prefix="/calendar/offerings", template_folder="../templates")
SHOWN_DATES = timedelta(days=120)  # dates listed on the edit page, to change one by one
ROOM_REFUSALS = {
    "taken": _l("Der Raum ist zu dieser Zeit schon belegt. Bitte wählen Sie einen anderen Raum oder eine andere Zeit."),
    "no_room": _l("Diesen Raum gibt es in der Raumbörse nicht mehr."),
    "not_allowed": _l("Dieser Raum kann zurzeit nicht gebucht werden."),
    "no_booker": _l("Ihr Konto kann keine Räume buchen. Bitte wenden Sie sich an die Koordinierungsstelle."),
    "too_many_dates": _l(
        "Das sind zu viele Termine für eine Raumbuchung (höchstens 200). Bitte begrenzen Sie die Wiederholung."
    ),
    "no_dates": _l(
        "Für dieses Angebot kann kein Raum gebucht werden: Es hat keine kommenden Termine, "
        "oder es wiederholt sich nach einer Regel, die die Raumbörse nicht kennt."
    ),
    "other": _l(
        "Die Raumbörse hat die Buchung abgelehnt (zum Beispiel wegen der Öffnungszeiten des Raums). "
        "Bitte prüfen Sie den Raum in der Raumbörse."
    ),
}


def _reader() -> access.Reader:
    me = current_account()
    assert me is not None  # every view is login_required
    return access.Reader(me.partner_id, me.is_coordination)


def _store() -> SqlStore:
    return SqlStore(db())


def _editable(slug: str, name: str = ""):
    """The calendar an address names (and checks the offering's name in it), if this reader may
    edit its offerings; else 404."""
    if name and names.object_name_problem(name) is not None:
        abort(404)
    calendar = _store().calendar(slug) if names.segment_problem(slug) is None else None
    if calendar is None or not access.can_edit_offerings(_reader(), calendar):
        abort(404)  # another partner's calendar is not there for this reader
    return calendar


def _offering(slug: str, name: str):
    """The calendar and the offering an address names, if this reader may edit them (else 404)."""
    calendar = _editable(slug, name)
    try:
        return calendar, editing.load(_store(), calendar, name)
    except editing.OfferingGone:
        abort(404)


def _partners() -> dict:
    return {p["id"]: p for p in identity().partners()}


@bp.app_template_global()
def repeat_text(draft) -> str:
    """ "wöchentlich, mittwochs 14:30" and the like, for the staff's list."""
    first = datetime.combine(draft.day, draft.starts, LOCAL)
    when = (
        formats.day_short(draft.day)
        + ", "
        + formats.times(first, datetime.combine(draft.day, draft.ends, LOCAL), False)
    )
    repeat = draft.repeat
    if repeat.kind == "weekly":
        return (
            _("wöchentlich ab %(first)s", first=when)
            if repeat.interval == 1
            else _("alle %(n)s Wochen ab %(first)s", n=repeat.interval, first=when)
        )
    if repeat.kind == "monthly":
        return _("monatlich ab %(first)s", first=when)
    if repeat.kind == "other":
        return _("regelmäßig ab %(first)s", first=when)
    return when


@bp.get("")
@login_required
def index():
    reader = _reader()
    store = _store()
    partners = _partners()
    calendars = [c for c in store.calendars() if access.can_edit_offerings(reader, c)]
    if not reader.coordination:
        me = current_account()
        if me is not None and me.partner_id is not None and not calendars:
            with unit_of_work() as session:
                calendars = [editing.home_calendar(SqlStore(session), me.partner_id, me.partner_name)]
    chosen = request.args.get("partner", "")
    if chosen:
        calendars = [c for c in calendars if partners.get(c.owner_partner_id, {}).get("slug") == chosen]
    groups = [(c, partners.get(c.owner_partner_id), editing.offerings(store, c)) for c in calendars]
    return render_template(
        "calendar/offerings/index.html",
        groups=groups,
        partners=sorted(partners.values(), key=lambda p: p["name"]),
        chosen=chosen,
        coordination=reader.coordination,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    reader, store = _reader(), _store()
    me = current_account()
    assert me is not None
    target = request.values.get("calendar", "")
    calendar = store.calendar(target) if target and names.segment_problem(target) is None else None
    if calendar is None and me.partner_id is not None:
        with unit_of_work() as session:
            calendar = editing.home_calendar(SqlStore(session), me.partner_id, me.partner_name)
    if calendar is None or not access.can_edit_offerings(reader, calendar):
        abort(404)
    form = OfferingForm(rooms=_rooms())
    copied = request.args.get("copy", "")
    if request.method == "GET" and copied and "/" in copied:
        source_slug, source_name = copied.split("/", 1)
        _source_calendar, source = _offering(source_slug, source_name)
        form.fill(source.draft)
        form.title.data = _("%(title)s (Kopie)", title=source.draft.title)[:200]
    if request.method == "POST" and form.validate() and _picture_ok(form):
        with unit_of_work() as session:
            store = SqlStore(session)
            name = editing.create(store, calendar, form.draft(_picture(form, session, calendar)), utcnow())
            editing.ask_for_room(OfferingRooms(session), store, calendar, name, _asker(calendar), utcnow())
        flash(_("Das Angebot ist gespeichert."))
        return redirect(url_for("offerings.edit", slug=calendar.slug, name=name))
    return render_template("calendar/offerings/form.html", form=form, calendar=calendar, stored=None, dates=[]), (
        422 if request.method == "POST" else 200
    )


@bp.route("/<slug>/<name>", methods=["GET", "POST"])
@login_required
def edit(slug: str, name: str):
    calendar, stored = _offering(slug, name)
    keep = stored.draft.repeat.rule if stored.draft.repeat.kind == "other" else ""
    form = OfferingForm(keep_rule=keep, rooms=_rooms(), holding=stored.draft)
    error = None
    if request.method == "GET":
        form.fill(stored.draft, stored.etag)
    elif form.validate() and _picture_ok(form):
        try:
            with unit_of_work() as session:
                store = SqlStore(session)
                draft = form.draft(_picture(form, session, calendar, stored.draft.image))
                editing.save(store, calendar, name, form.etag.data or "", draft, utcnow())
                editing.ask_for_room(OfferingRooms(session), store, calendar, name, _asker(calendar), utcnow())
        except editing.EditedMeanwhile:
            error = _(
                "Das Angebot wurde inzwischen geändert (von jemand anderem oder in einem Kalenderprogramm). "
                "Bitte laden Sie die Seite neu und tragen Sie Ihre Änderung noch einmal ein."
            )
        else:
            flash(_("Die Änderungen sind gespeichert."))
            return redirect(url_for("offerings.edit", slug=slug, name=name))
    status = 200 if request.method == "GET" else 409 if error else 422
    return render_template(
        "calendar/offerings/form.html",
        form=form,
        calendar=calendar,
        stored=stored,
        dates=_dates(stored),
        error=error,
        coordination=_reader().coordination,
        room=room_words(OfferingRooms(db()).state(stored.uid)),
    ), status


@bp.route("/<slug>/<name>/date/<key>", methods=["GET", "POST"])
@login_required
def date_change(slug: str, name: str, key: str):
    calendar, stored = _offering(slug, name)
    found = next((d for d in _dates(stored) if d.key == key), None)
    if found is None:
        abort(404)
    original = _original_start(key)
    form = DateChangeForm()
    error = None
    if request.method == "GET":
        local = found.start.astimezone(LOCAL)
        form.day.data, form.starts.data = local.date(), local.time()
        form.ends.data, form.note.data, form.etag.data = found.end.astimezone(LOCAL).time(), found.note, stored.etag
        form.what.data = "cancel" if not found.cancelled else "restore"
    elif form.validate():
        try:
            with unit_of_work() as session:
                store = SqlStore(session)
                _apply_date_change(store, calendar, name, form, original)
                editing.ask_for_room(OfferingRooms(session), store, calendar, name, _asker(calendar), utcnow())
        except editing.EditedMeanwhile:
            error = _("Das Angebot wurde inzwischen geändert. Bitte laden Sie die Seite neu.")
        else:
            flash(_("Der Termin ist geändert."))
            return redirect(url_for("offerings.edit", slug=slug, name=name) + "#termine")
    status = 200 if request.method == "GET" else 409 if error else 422
    return render_template("calendar/offerings/date.html", form=form, stored=stored, date=found, error=error), status


@bp.post("/<slug>/<name>/delete")
@login_required
def delete(slug: str, name: str):
    calendar = _editable(slug, name)
    try:
        with unit_of_work() as session:
            store = SqlStore(session)
            stored = editing.load(store, calendar, name)
            editing.delete(store, calendar, name, request.form.get("etag", ""))
            editing.release_room(OfferingRooms(session), calendar, stored, _asker(calendar))
    except editing.OfferingGone:
        abort(404)
    except editing.EditedMeanwhile:
        flash(_("Das Angebot wurde inzwischen geändert. Bitte prüfen Sie es, bevor Sie es löschen."))
        return redirect(url_for("offerings.edit", slug=slug, name=name))
    flash(_("Das Angebot ist gelöscht."))
    return redirect(url_for("offerings.index"))


@bp.post("/<slug>/<name>/call-off")
@login_required
def call_off(slug: str, name: str):
    """The whole offering called off (with a public note) or taken up again."""
    calendar = _editable(slug, name)
    cancelled = request.form.get("cancelled") == "1"
    note = " ".join((request.form.get("note") or "").split())[:NOTE_MAX]
    if text_problem(note, NOTE_MAX):
        abort(400)
    try:
        with unit_of_work() as session:
            store = SqlStore(session)
            editing.call_off(
                store, calendar, name, request.form.get("etag", ""), utcnow(), cancelled=cancelled, note=note
            )
            editing.ask_for_room(OfferingRooms(session), store, calendar, name, _asker(calendar), utcnow())
    except editing.OfferingGone:
        abort(404)
    except editing.EditedMeanwhile:
        flash(_("Das Angebot wurde inzwischen geändert. Bitte laden Sie die Seite neu."))
        return redirect(url_for("offerings.edit", slug=slug, name=name))
    flash(_("Das Angebot ist abgesagt.") if cancelled else _("Das Angebot findet wieder statt."))
    return redirect(url_for("offerings.edit", slug=slug, name=name))


@bp.post("/<slug>/<name>/hide")
@login_required
def hide(slug: str, name: str):
    calendar = _editable(slug, name)
    if not access.can_hide_offerings(_reader()):
        abort(403)
    hidden = request.form.get("hidden") == "1"
    try:
        with unit_of_work() as session:
            editing.hide(SqlStore(session), calendar, name, hidden)
    except editing.OfferingGone:
        abort(404)
    flash(
        _("Das Angebot ist im öffentlichen Kalender ausgeblendet.")
        if hidden
        else _("Das Angebot ist wieder öffentlich zu sehen.")
    )
    return redirect(url_for("offerings.edit", slug=slug, name=name))


def room_words(state) -> tuple[str, str, int | None] | None:
    """What the form says about the offering's room: (sentence, "ok" | "wait" | "bad", the
    booking's id for a link)."""
    if state is None or state.state == "released":
        return None
    if state.state == "asked":
        return _("Die Raumbörse prüft die Anfrage. Bitte laden Sie die Seite gleich neu."), "wait", None
    if state.state == "refused":
        if state.reason == "taken" and state.taken:
            text = _(
                "Der Raum ist an diesen Tagen schon belegt: %(days)s. "
                "Bitte wählen Sie einen anderen Raum oder eine andere Zeit.",
                days=_days(state.taken),
            )
            return text, "bad", None
        return str(ROOM_REFUSALS.get(state.reason, ROOM_REFUSALS["other"])), "bad", None
    words = {
        "requested": (_("Raum angefragt: Das Haus, dem der Raum gehört, muss noch zustimmen."), "wait"),
        "declined": (_("Das Haus hat die Raumanfrage abgelehnt. Bitte wählen Sie einen anderen Raum."), "bad"),
        "cancelled": (_("Die Raumbuchung ist abgesagt."), "bad"),
    }
    text, kind = words.get(state.booking_status, (_("Raum gebucht."), "ok"))
    if state.taken:  # dates put back, moved or further ahead that the room had no place for
        text += " " + _(
            "Nur an diesen Tagen ist der Raum schon belegt: %(days)s. Bitte suchen Sie dafür einen anderen Raum.",
            days=_days(state.taken),
        )
        kind = "bad"
    return text, kind, state.booking_id


def _days(days) -> str:
    """ "03.02., 10.02." — at most twelve, then "…"."""
    return ", ".join(d.strftime("%d.%m.") for d in days[:12]) + ("…" if len(days) > 12 else "")


@bp.before_request
def _room_for_a_picture() -> None:
    """The offering form takes a phone's photo: more than the site's usual request size."""
    if request.method == "POST":
        pictures.allow_upload()


def _picture_ok(form: OfferingForm) -> bool:
    """An uploaded picture is prepared here (checked, re-encoded) before anything is written;
    a refused one is an error at its field."""
    form.prepared = None
    if form.remove_picture.data or not pictures.uploaded(form.picture):
        return True
    form.prepared = pictures.prepare(form.picture)
    return form.prepared is not None


def _picture(form: OfferingForm, session, calendar, current: str = "") -> str:
    """The address of the offering's picture after this form: the new one, none, or as it was
    (a copy keeps its source's)."""
    if form.remove_picture.data:
        return ""
    prepared = getattr(form, "prepared", None)
    if prepared is not None:
        digest = sql_images.keep(
            session, prepared.digest, prepared.data, prepared.width, prepared.height, calendar.owner_partner_id
        )
        return public_url(url_for("public.picture", digest=digest))
    kept = current or (form.image_url.data or "")
    return kept if kept.startswith(public_url("/calendar/images/")) else ""


def _rooms() -> list[tuple[int, str]]:
    """The exchange's rooms as the calendar knows them (their calendars follow room_changed)."""
    return [
        (c.room_id, f"{c.displayname} – {c.description}" if c.description else c.displayname)
        for c in _store().calendars()
        if c.kind == "room" and c.room_id is not None
    ]


def _asker(calendar) -> editing.Asker:
    me = current_account()
    assert me is not None
    return editing.Asker(me.account_id, calendar.owner_partner_id)


def _apply_date_change(store, calendar, name: str, form: DateChangeForm, original: datetime) -> None:
    now, etag, note = utcnow(), form.etag.data or "", (form.note.data or "").strip()
    if form.what.data == "restore":
        editing.restore_date(store, calendar, name, etag, original, now)
        return
    moved = None
    day = form.moved_day()
    if day is not None:  # "move": validate() made sure of the day
        start = datetime.combine(day, form.starts.data, LOCAL)
        end = datetime.combine(day, form.ends.data, LOCAL)
        moved = (start, end if end > start else end + timedelta(days=1))
    editing.change_date(
        store, calendar, name, etag, original, now, cancelled=form.what.data == "cancel", note=note, moved_to=moved
    )


def _dates(stored: editing.StoredOffering):
    now = utcnow()
    index = timeindex.build(stored.parsed, now)
    return [
        d
        for d in public_dates(stored.parsed, index, now - timedelta(days=1), now + SHOWN_DATES, public_only=False)
        if d.key
    ]


def _original_start(key: str) -> datetime:
    try:
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        abort(404)
