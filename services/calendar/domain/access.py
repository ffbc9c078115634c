"""Who may do what with calendars and events: one rule per action, asked by CalDAV (dav/) and
the pages alike. No Flask, no SQLAlchemy: plain values in, yes or no out.

Readers: staff of a partner, the coordination office (itself a partner with its own
calendars), or nobody (the public: only the feeds and the overview page, never CalDAV).

- A partner's calendar is read-write for its own staff; a public one is readable by every
  logged-in account; a room's calendar is readable by all and written only by bookings.
- Calendars are made, changed and deleted only by staff of the partner that owns them.
- A calendar fed from a source kept elsewhere (read_only) is written by its pulls only, as a
  room's by its bookings: its partner changes the events at the source, and the calendar goes
  with the source (subscriptions/).
- Events marked CLASS:PRIVATE or CONFIDENTIAL show others at most busy time, as Google and
  Nextcloud do. The owning partner sees everything. The coordination office sees CONFIDENTIAL
  events in full, because it coordinates dates across the network, but PRIVATE ones only as
  busy time: PRIVATE is the partner's own business (data minimisation). Any other CLASS value
  counts as PRIVATE (RFC 5545 §3.8.1.3). The public feeds carry neither (domain/disclosure.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

PUBLIC, CONFIDENTIAL, PRIVATE = "PUBLIC", "CONFIDENTIAL", "PRIVATE"


@dataclass(frozen=True)
class Reader:
    """A logged-in account as far as the rules care."""

    partner_id: int | None
    coordination: bool = False


class CalendarFacts(Protocol):
    """What the rules read of a calendar; read-only, so that a frozen CalendarInfo qualifies."""

    @property
    def kind(self) -> str: ...  # "partner" | "room"
    @property
    def owner_partner_id(self) -> int | None: ...
    @property
    def public(self) -> bool: ...
    @property
    def read_only(self) -> bool: ...  # fed from a source kept elsewhere


def owns(reader: Reader | None, calendar: CalendarFacts) -> bool:
    return (
        reader is not None
        and calendar.kind == "partner"
        and reader.partner_id is not None
        and calendar.owner_partner_id == reader.partner_id
    )


def can_read_calendar(reader: Reader | None, calendar: CalendarFacts) -> bool:
    """CalDAV: PROPFIND, GET, REPORT of the calendar and its events (details: see below)."""
    if reader is None:
        return False
    return calendar.kind == "room" or calendar.public or owns(reader, calendar)


def is_listed_publicly(calendar: CalendarFacts) -> bool:
    """The overview page and the feeds: public partner calendars and every room calendar."""
    return calendar.kind == "room" or calendar.public


def can_write_events(reader: Reader | None, calendar: CalendarFacts) -> bool:
    """PUT (new or changed) and DELETE of events; room calendars follow bookings only, a
    source's calendar its pulls only."""
    return owns(reader, calendar) and not calendar.read_only


def can_edit_offerings(reader: Reader | None, calendar: CalendarFacts) -> bool:
    """The offering form: the owning partner's staff, and the coordination office for every
    partner's calendar (it keeps the network's programme in order)."""
    if reader is None or calendar.kind != "partner" or calendar.read_only:
        return False
    return owns(reader, calendar) or reader.coordination


def can_hide_offerings(reader: Reader | None) -> bool:
    """Taking an offering off the public pages is the coordination office's call."""
    return reader is not None and reader.coordination


def can_manage_calendar(reader: Reader | None, calendar: CalendarFacts) -> bool:
    """PROPPATCH (name, colour, …) and DELETE of the calendar itself; a source's calendar is
    changed and deleted with its source (the sources page)."""
    return owns(reader, calendar) and not calendar.read_only


def can_create_calendar(reader: Reader | None) -> bool:
    """MKCALENDAR / MKCOL in the reader's own calendar home."""
    return reader is not None and reader.partner_id is not None


def sees_details(reader: Reader | None, calendar: CalendarFacts, event_class: str) -> bool:
    """Whether `reader` sees an event of this CLASS as it is, or only as busy time."""
    event_class = (event_class or PUBLIC).upper()
    if event_class == PUBLIC or owns(reader, calendar):
        return True
    return event_class == CONFIDENTIAL and reader is not None and reader.coordination


def sees_every_detail(reader: Reader | None, calendar: CalendarFacts) -> bool:
    """True when no CLASS can hide anything from `reader` here (the common, fast case)."""
    return owns(reader, calendar)


def can_see_figures(reader: Reader | None) -> bool:
    """The network's figures (offerings and dates of every partner, for the funders): the
    coordination office, whose business comparing the partners is; a partner's staff see their
    own offerings on their own pages."""
    return reader is not None and reader.coordination


def can_manage_sources(reader: Reader | None, partner_id: int) -> bool:
    """The sources page (calendars kept elsewhere): the partner's own staff, and the
    coordination office for every partner (as with offerings)."""
    return reader is not None and (
        reader.coordination or (reader.partner_id is not None and reader.partner_id == partner_id)
    )
