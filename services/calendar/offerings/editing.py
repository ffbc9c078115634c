"""Create, edit, copy, cancel and hide offerings; change or cancel one date. Each takes the
store of the caller's unit of work and plain values; permissions are asked by the caller
(domain/access.can_edit_offerings). An edit names the ETag the form was filled from: if a
calendar program changed the event meanwhile, the edit is refused instead of undoing that."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from icalendar import Calendar

from services.calendar.domain.calendar_data import prop
from services.calendar.domain.ical import parse_calendar
from services.calendar.domain.names import default_slug
from services.calendar.domain.offering_draft import (
    OfferingDraft,
    changed_date,
    draft_of,
    edited_calendar,
    new_calendar,
    restored_date,
)
from services.calendar.store.errors import PreconditionFailed
from services.calendar.store.interface import CalendarStore
from services.calendar.store.records import CalendarInfo

UID_DOMAIN = "treffpunkt-jena.de"
MAX_LISTED = 500  # offerings of one calendar on the staff's list


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


def restore_date(
    store: CalendarStore, calendar: CalendarInfo, name: str, etag: str, original_start: datetime, now: datetime
) -> str:
    stored = _current(store, calendar, name, etag)
    return _put(store, calendar, name, etag, restored_date(stored.parsed, original_start, now))


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
