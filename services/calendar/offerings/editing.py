"""Create, edit, copy, cancel and hide offerings; change or cancel one date. Each takes the
store of the caller's unit of work and plain values; permissions are asked by the caller
(domain/access.can_edit_offerings). An edit names the ETag the form was filled from: if a
calendar program changed the event meanwhile, the edit is refused instead of undoing that."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from icalendar import Calendar

from services.calendar.domain import timeindex
from services.calendar.domain.calendar_data import LOCAL, prop
from services.calendar.domain.ical import parse_calendar
from services.calendar.domain.names import default_slug
from services.calendar.domain.offering import public_dates
from services.calendar.domain.offering_draft import (
    OfferingDraft,
    cancelled_offering,
    changed_date,
    draft_of,
    edited_calendar,
    is_cancelled,
    new_calendar,
    restored_date,
)
from services.calendar.domain.room_wish import booked_until, room_repeat
from services.calendar.store.errors import PreconditionFailed
from services.calendar.store.interface import CalendarStore
from services.calendar.store.records import CalendarInfo
from services.calendar.store.sql_offering_rooms import OfferingRooms

UID_DOMAIN = "treffpunkt-jena.de"
MAX_LISTED = 500  # offerings of one calendar on the staff's list
WISH_WINDOW = timedelta(days=400)  # the dates a room is asked for are among these


class OfferingGone(LookupError):
    """No such offering (any more), or not an event the form can edit."""


class EditedMeanwhile(ValueError):
    """The event changed since the form was filled (another person, or a calendar program)."""


@dataclass(frozen=True)
class StoredOffering:
    calendar: CalendarInfo
    name: str
    etag: str
    draft: OfferingDraft
    hidden: bool
    parsed: Calendar

    @property
    def cancelled(self) -> bool:
        return is_cancelled(self.parsed)

    @property
    def uid(self) -> str:
        return str(next(c for c in self.parsed.walk("VEVENT") if "RECURRENCE-ID" not in c)["UID"])


def home_calendar(store: CalendarStore, partner_id: int, partner_name: str) -> CalendarInfo:
    """The partner's offerings calendar, made on first use (as the demo and CalDAV name it)."""
    return store.ensure_partner_calendar(
        partner_id, default_slug(partner_id), f"Angebote – {partner_name}"[:200], public=True
    )


def offerings(store: CalendarStore, calendar: CalendarInfo) -> list[StoredOffering]:
    """The calendar's events the form can edit, by first date."""
    hidden = store.hidden_names(calendar.id)
    found = []
    for obj in store.objects(calendar.id, with_data=True)[:MAX_LISTED]:
        stored = _readable(calendar, obj.name, obj.etag, obj.data or b"", obj.name in hidden)
        if stored is not None:
            found.append(stored)
    return sorted(found, key=lambda o: (o.draft.day, o.draft.starts, o.draft.title))


def load(store: CalendarStore, calendar: CalendarInfo, name: str) -> StoredOffering:
    obj = store.get(calendar.id, name)
    stored = (
        _readable(calendar, name, obj.etag, obj.data or b"", name in store.hidden_names(calendar.id)) if obj else None
    )
    if stored is None:
        raise OfferingGone(name)
    return stored


def create(store: CalendarStore, calendar: CalendarInfo, draft: OfferingDraft, now: datetime) -> str:
    """A new offering; returns its name in the calendar."""
    key = uuid.uuid4().hex[:16]
    name = f"angebot-{key}.ics"
    store.put(calendar.id, name, new_calendar(draft, f"angebot-{key}@{UID_DOMAIN}", now), if_none_match=True)
    return name


def save(
    store: CalendarStore, calendar: CalendarInfo, name: str, etag: str, draft: OfferingDraft, now: datetime
) -> str:
    stored = _current(store, calendar, name, etag)
    return _put(store, calendar, name, etag, edited_calendar(stored.parsed, draft, now))


def change_date(
    store: CalendarStore,
    calendar: CalendarInfo,
    name: str,
    etag: str,
    original_start: datetime,
    now: datetime,
    *,
    cancelled: bool,
    note: str,
    moved_to: tuple[datetime, datetime] | None = None,
) -> str:
    stored = _current(store, calendar, name, etag)
    data = changed_date(stored.parsed, original_start, now, cancelled=cancelled, note=note, moved_to=moved_to)
    return _put(store, calendar, name, etag, data)


def call_off(
    store: CalendarStore, calendar: CalendarInfo, name: str, etag: str, now: datetime, *, cancelled: bool, note: str
) -> str:
    """The whole offering called off with a public note (every date shows "fällt aus"), or
    taken up again."""
    stored = _current(store, calendar, name, etag)
    return _put(store, calendar, name, etag, cancelled_offering(stored.parsed, now, cancelled=cancelled, note=note))


def restore_date(
    store: CalendarStore, calendar: CalendarInfo, name: str, etag: str, original_start: datetime, now: datetime
) -> str:
    stored = _current(store, calendar, name, etag)
    return _put(store, calendar, name, etag, restored_date(stored.parsed, original_start, now))


@dataclass(frozen=True)
class Asker:
    """Who saves the offering: a room is booked in their name."""

    account_id: int
    partner_id: int  # the offering's partner (the calendar's owner)


def ask_for_room(
    rooms: OfferingRooms, store: CalendarStore, calendar: CalendarInfo, name: str, asker: Asker, now: datetime
) -> None:
    """Tell rooms which room the saved offering wants for its coming dates (its X-TREFFPUNKT-ROOM,
    or none): booked, moved or released there under the room exchange's rules. Nothing is asked
    for an offering that never had a room."""
    stored = load(store, calendar, name)
    draft, uid = stored.draft, stored.uid
    if draft.room_id is None and rooms.state(uid) is None:
        return
    dates = public_dates(stored.parsed, timeindex.build(stored.parsed, now), now, now + WISH_WINDOW, public_only=False)
    repeat = room_repeat(draft, dates, now.astimezone(LOCAL).date()) if draft.room_id is not None else None
    _ask(rooms, calendar, stored, asker, draft.room_id if repeat is not None else None, repeat)
    rooms.booked_until(uid, booked_until(draft, repeat, dates))
    if draft.room_id is not None and repeat is None and not is_cancelled(stored.parsed):
        rooms.refused_here(calendar.id, uid, draft.room_id, "no_dates")


def renew_room(
    rooms: OfferingRooms, store: CalendarStore, calendar: CalendarInfo, uid: str, account_id: int, now: datetime
) -> bool:
    """Ask again for the room of an offering whose asked-for days run out (room_wish.booked_until),
    in the name of the person who asked last, as if they saved it again: rooms books the dates
    further ahead into its booking. An offering gone meanwhile is not asked for again."""
    obj, partner_id = store.latest_by_uid(calendar.id, uid), calendar.owner_partner_id
    try:
        if obj is None or partner_id is None:
            raise OfferingGone(uid)
        ask_for_room(rooms, store, calendar, obj.name, Asker(account_id, partner_id), now)
    except OfferingGone:
        rooms.booked_until(uid, None)
        return False
    return True


def release_room(rooms: OfferingRooms, calendar: CalendarInfo, stored: StoredOffering, asker: Asker) -> None:
    """The offering is gone: its room goes back to the exchange."""
    if rooms.state(stored.uid) is not None:
        _ask(rooms, calendar, stored, asker, None, None)


def _ask(rooms: OfferingRooms, calendar: CalendarInfo, stored: StoredOffering, asker: Asker, room_id, repeat) -> None:
    draft = stored.draft
    rooms.ask(
        calendar.id,
        stored.uid,
        room_id,
        account_id=asker.account_id,
        partner_id=asker.partner_id,
        title=draft.title[:200] or "Angebot",
        description=draft.description[:2000],
        public=draft.public,
        repeat=repeat,
    )


def delete(store: CalendarStore, calendar: CalendarInfo, name: str, etag: str) -> None:
    try:
        if not store.delete(calendar.id, name, if_match=etag):
            raise OfferingGone(name)
    except PreconditionFailed:
        raise EditedMeanwhile(name) from None


def hide(store: CalendarStore, calendar: CalendarInfo, name: str, hidden: bool) -> None:
    if not store.set_hidden(calendar.id, name, hidden):
        raise OfferingGone(name)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _current(store: CalendarStore, calendar: CalendarInfo, name: str, etag: str) -> StoredOffering:
    stored = load(store, calendar, name)
    if stored.etag != etag:
        raise EditedMeanwhile(name)
    return stored


def _put(store: CalendarStore, calendar: CalendarInfo, name: str, etag: str, data: bytes) -> str:
    try:
        new_etag, _created = store.put(calendar.id, name, data, if_match=etag)
    except PreconditionFailed:
        raise EditedMeanwhile(name) from None
    return new_etag


def _readable(calendar: CalendarInfo, name: str, etag: str, data: bytes, hidden: bool) -> StoredOffering | None:
    """The offering in a stored event, or None for what the form does not edit (a task, an
    all-day event, an event without a start)."""
    try:
        parsed = parse_calendar(data)
        events = [c for c in parsed.subcomponents if c.name == "VEVENT"]
        if not events or any(c.name in ("VTODO", "VJOURNAL") for c in parsed.subcomponents):
            return None
        master = next((e for e in events if "RECURRENCE-ID" not in e), None)
        if master is None or "DTSTART" not in master or not isinstance(prop(master, "DTSTART").dt, datetime):
            return None
        return StoredOffering(calendar, name, etag, draft_of(parsed), hidden, parsed)
    except (ValueError, KeyError, TypeError):
        return None
