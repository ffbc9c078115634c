"""Demo data of the calendar service (make run): every demo partner's public calendar
"Angebote – <partner>" filled with the offerings of demo_offerings.py, as events in Europe/Berlin.

Dates are placed relative to the loading day, so the demo never goes stale: series began about a
year before it, one-off events and most changed dates of series (left out, cancelled with a
reason, moved) lie in the weeks after it, a few cancelled ones before it. UIDs are fixed per
partner and number, so a second load adds nothing. The first load also fills the calendar's
history (store/sql_held_dates.py) with the year before, as if each date had been recorded when
it began, so the figures (/calendar/figures) count it."""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from icalendar import Calendar, Event

from shared.clock import utcnow
from shared.db import transaction
from shared.identity.demo import PARTNERS
from shared.timezones import berlin_vtimezone

from services.calendar.demo_offerings import HOUSE_GEO, OFFERINGS, Cancel, Move, Offering, Place, Skip, When
from services.calendar.domain import recurrence
from services.calendar.domain.names import default_slug
from services.calendar.domain.source_draft import SourceDefaults, SourceDraft
from services.calendar.domain.vocabulary import (
    ACCESSIBILITY_PROPERTY,
    AUDIENCE_PROPERTY,
    COST_PROPERTY,
    DISTRICT_PROPERTY,
    EASY_LANGUAGE_PROPERTY,
)
from services.calendar.store import sql_held_dates
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_sources import Sources
from services.calendar.subscriptions import sources
from services.calendar.subscriptions.sealing import sealer_of

BERLIN = ZoneInfo("Europe/Berlin")
HISTORY = timedelta(weeks=53)  # the history the demo starts with: the year before the loading day
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class Host:
    """The partner an offering belongs to, and its house (where offerings take place by default)."""

    slug: str
    name: str
    house: Place


def load(app, today: date | None = None) -> int:
    """Create what is missing; returns how many offerings were added."""
    today = today or utcnow().astimezone(BERLIN).date()
    stamp = utcnow()
    identity = app.extensions["identity"]
    added = 0
    with app.app_context(), transaction(app.extensions["db"]) as session:
        store = SqlStore(session)
        for slug, name, district, address in PARTNERS:
            partner = identity.partner_by_slug(slug)
            if partner is None:
                continue
            calendar = store.ensure_partner_calendar(
                partner["id"],
                default_slug(partner["id"]),
                f"Angebote – {name}",
                description=f"Regelmäßige Angebote: {name}, {address}",
                public=True,
            )
            host = Host(slug, name, Place(name, address, HOUSE_GEO[slug], district))
            for number, offering in enumerate(OFFERINGS.get(slug, ()), start=1):
                uid = f"angebot-{slug}-{number}@treffpunkt-jena.de"
                if store.latest_by_uid(calendar.id, uid) is not None:
                    continue
                store.put(calendar.id, f"angebot-{number}.ics", build(uid, offering, host, today, stamp))
                added += 1
    with app.app_context(), transaction(app.extensions["db"]) as session:
        sql_held_dates.backfill(session, datetime.combine(today, time(), BERLIN) - HISTORY, stamp)
    load_source(app, stamp)
    return added


def load_source(app, stamp: datetime) -> None:
    """A source for the first demo partner: its "website's calendar", an Outlook-style feed
    served by this very app (static/demo-feed.ics), pulled by the beat like any other (make run
    allows the loopback address: SOURCES_ALLOW_PRIVATE)."""
    partner = app.extensions["identity"].partner_by_slug(PARTNERS[0][0])
    if partner is None:
        return
    with app.test_request_context():
        path = url_for("public.static", filename="demo-feed.ics")
    url = app.config["SETTINGS"].public_url.rstrip("/") + path
    draft = SourceDraft(
        "ics", url, "Termine von unserer Internetseite", defaults=SourceDefaults(categories=("Bildung",))
    )
    with app.app_context(), transaction(app.extensions["db"]) as session:
        if not Sources(session).of_partner(partner["id"]):
            sources.add(session, partner["id"], draft, "", sealer_of(app.config["SETTINGS"]), None, stamp)


def build(uid: str, offering: Offering, host: Host, today: date, stamp: datetime) -> bytes:
    """One calendar resource: the offering's event, and an override for each cancelled or moved date."""
    start, rule = schedule(offering.when, today)
    length = timedelta(minutes=offering.when.minutes)
    calendar = Calendar()
    calendar.add("PRODID", "-//Treffpunkt Jena//Demo//DE")
    calendar.add("VERSION", "2.0")
    calendar.add_component(berlin_vtimezone())
    master = _event(uid, stamp, start, length)
    if rule is not None:
        master.add("RRULE", rule)
    _describe(master, offering, host)
    calendar.add_component(master)
    # expanded as stored: icalendar parses a rule into the shape the expansion reads
    stored = Calendar.from_ical(calendar.to_ical())
    dates = coming(stored, today) if any(c.nth > 0 for c in offering.changes) else []
    before = gone(stored, today) if any(c.nth < 0 for c in offering.changes) else []
    for change in offering.changes:
        original = dates[change.nth - 1] if change.nth > 0 else before[change.nth]
        if isinstance(change, Skip):
            master.add("EXDATE", original)
            continue
        moved = original
        if isinstance(change, Move) and change.start:
            moved = datetime.combine(original.date(), _clock(change.start), BERLIN)
        override = _event(uid, stamp, moved, length)
        override.add("RECURRENCE-ID", original)
        _describe(override, offering, host, room=change.room if isinstance(change, Move) else "")
        if isinstance(change, Cancel):
            override.add("STATUS", "CANCELLED")
            override.add("COMMENT", change.reason)
        else:
            override.add("COMMENT", change.note)
        calendar.add_component(override)
    return calendar.to_ical()


def schedule(when: When, today: date) -> tuple[datetime, dict[str, Any] | None]:
    """The first start (Europe/Berlin) and the RRULE; no rule for a one-off event."""
    monday = today - timedelta(days=today.weekday())
    if when.rule == "ONCE":
        ahead = today + timedelta(days=when.in_days)
        week = ahead + timedelta(days=-ahead.weekday() % 7)  # the first Monday on or after
        day = week + timedelta(days=WEEKDAYS.index(when.days))
        return datetime.combine(day, _clock(when.start), BERLIN), None
    rule: dict[str, Any] = {"FREQ": when.rule}
    if when.every > 1:
        rule["INTERVAL"] = when.every
    rule["BYDAY"] = when.days.split(",")
    if when.count:
        rule["COUNT"] = when.count
    if when.until_week is not None:
        sunday = monday + timedelta(weeks=when.until_week, days=6)
        rule["UNTIL"] = datetime.combine(sunday, time(23, 59), BERLIN).astimezone(timezone.utc)
    first = _first_day(when, monday + timedelta(weeks=when.from_week))
    return datetime.combine(first, _clock(when.start), BERLIN), rule


def _first_day(when: When, week: date) -> date:
    """The rule's first date on or after the Monday `week` (DTSTART is the first date of a series)."""
    if when.rule == "WEEKLY":
        return week + timedelta(days=WEEKDAYS.index(when.days.split(",")[0]))
    # MONTHLY "1WE", "-1SA": that weekday of `week`'s month if still to come, else of the next month
    n, weekday = int(when.days[:-2]), WEEKDAYS.index(when.days[-2:])
    for month in (week.replace(day=1), (week.replace(day=1) + timedelta(days=31)).replace(day=1)):
        days = [month + timedelta(days=k) for k in range(monthrange(month.year, month.month)[1])]
        day = [d for d in days if d.weekday() == weekday][n - 1 if n > 0 else n]
        if day >= week:
            return day
    raise ValueError(f"No {when.days} after {week}.")


def coming(calendar: Calendar, today: date) -> list[datetime]:
    """The dates of the series in `calendar` in the twelve weeks after the loading day, as the
    calendar itself expands them."""
    after = datetime.combine(today + timedelta(days=1), time(), BERLIN)
    found = recurrence.between(calendar, ["VEVENT"], after, after + timedelta(weeks=12))[1]
    return sorted(o.start for o in found if o.start >= after)


def gone(calendar: Calendar, today: date) -> list[datetime]:
    """The dates of the series in `calendar` in the year before the loading day."""
    before = datetime.combine(today, time(), BERLIN)
    found = recurrence.between(calendar, ["VEVENT"], before - HISTORY, before)[1]
    return sorted(o.start for o in found if o.start < before)


def _event(uid: str, stamp: datetime, start: datetime, length: timedelta) -> Event:
    event = Event()
    event.add("UID", uid)
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", start)
    event.add("DTEND", start + length)
    return event


def _describe(event: Event, offering: Offering, host: Host, room: str = "") -> None:
    """What the public reads of an offering (an override repeats it: it replaces the whole date)."""
    place = offering.place or host.house
    event.add("SUMMARY", offering.title)
    event.add("DESCRIPTION", offering.description)
    event.add("LOCATION", ", ".join(part for part in (place.name, room, place.address) if part))
    event.add("GEO", place.geo)
    event.add("CLASS", "PRIVATE" if offering.private else "PUBLIC")
    if offering.private:
        return
    event.add("URL", f"https://example.org/{host.slug}/angebote/{url_slug(offering.title)}")
    event.add("CATEGORIES", list(offering.categories))
    event.add(AUDIENCE_PROPERTY, ",".join(offering.audiences))
    if offering.access:
        event.add(ACCESSIBILITY_PROPERTY, ",".join(offering.access))
    event.add(COST_PROPERTY, offering.cost)
    if offering.easy:
        event.add(EASY_LANGUAGE_PROPERTY, offering.easy)
    if place.district != host.house.district:
        event.add(DISTRICT_PROPERTY, place.district)


def url_slug(title: str) -> str:
    """The last segment of an offering's URL: "Großeltern-Enkel-Nachmittag" -> "grosseltern-enkel-nachmittag"."""
    plain = unicodedata.normalize("NFKD", title.lower().translate(UMLAUTS)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _clock(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))
