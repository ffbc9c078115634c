"""An event read as a public offering: its facets and texts, and its dates in a window.

This is what the public pages index (store/sql_public_index.py). Only public parts are read:
the master must be CLASS:PUBLIC, and a date whose override is not is left out, as the feeds do
(domain/disclosure.py). A date removed by EXDATE or an override with STATUS:CANCELLED stays in
the list as cancelled ("fällt aus"), with the override's COMMENT as its public reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Component

from services.calendar.domain.calendar_data import LOCAL, prop
from services.calendar.domain.ical import indexed, list_values
from services.calendar.domain.timeindex import Instance, TimeIndex, epoch, expand
from services.calendar.domain.vocabulary import (
    ACCESSIBILITY_PROPERTY,
    AUDIENCE_PROPERTY,
    COST_PROPERTY,
    DISTRICT_PROPERTY,
    EASY_LANGUAGE_PROPERTY,
    IMAGE_ALT_PROPERTY,
    OFFERING_PROPERTY,
    PARTNER_PROPERTY,
    ROOM_PROPERTY,
    is_free,
)

MAX_DATES = 800  # per offering and window: a daily offering for two years
MAX_TEXT = 4000  # characters of a description kept for the pages


@dataclass(frozen=True)
class Offering:
    uid: str
    title: str
    description: str
    location: str
    categories: tuple[str, ...]
    audiences: tuple[str, ...]
    accessibility: tuple[str, ...]
    cost: str
    easy_language: str
    district: str  # "" when the partner's own district applies
    url: str
    image: str
    image_alt: str
    color: str
    geo: tuple[float, float] | None
    partner_id: int | None  # only a room booking names it; a partner calendar's owner applies
    room_id: int | None
    recurring: bool

    @property
    def free(self) -> bool:
        return is_free(self.cost)


@dataclass(frozen=True)
class OfferingDate:
    start: datetime  # UTC
    end: datetime
    all_day: bool
    cancelled: bool
    note: str  # the public reason of a changed or cancelled date
    key: str  # RECURRENCE-ID in UTC (20261207T083000Z) or a day (20261207); "" for a single event
    moved: bool  # an override at another time than the series gives

    @property
    def local_minute(self) -> int:
        """Minutes after local midnight of the start (all-day: 0)."""
        local = self.start.astimezone(LOCAL)
        return 0 if self.all_day else local.hour * 60 + local.minute


def read_offering(calendar: Calendar) -> Offering | None:
    """The offering in `calendar`, or None when it holds no public event (or is the room booking
    of an offering, which shows as that offering)."""
    master = _master(calendar)
    if master is None or _class(master) != "PUBLIC" or OFFERING_PROPERTY in master:
        return None
    geo = master.get("GEO")
    return Offering(
        uid=str(master.get("UID", "")),
        title=_text(master, "SUMMARY", 200),
        description=_text(master, "DESCRIPTION", MAX_TEXT),
        location=_text(master, "LOCATION", 300),
        categories=indexed(list_values(master.get("CATEGORIES"))),
        audiences=indexed(list_values(master.get(AUDIENCE_PROPERTY))),
        accessibility=indexed(list_values(master.get(ACCESSIBILITY_PROPERTY))),
        cost=_text(master, COST_PROPERTY, 200),
        easy_language=_text(master, EASY_LANGUAGE_PROPERTY, 1000),
        district=_text(master, DISTRICT_PROPERTY, 40),
        url=_web_address(_text(master, "URL", 500)),
        image=_web_address(_text(master, "IMAGE", 500)),
        image_alt=_text(master, IMAGE_ALT_PROPERTY, 300),
        color=_text(master, "COLOR", 40),
        geo=(float(geo.latitude), float(geo.longitude)) if geo is not None and hasattr(geo, "latitude") else None,
        partner_id=_number(_text(master, PARTNER_PROPERTY, 12)),
        room_id=_number(_text(master, ROOM_PROPERTY, 12)),
        recurring="RRULE" in master or "RDATE" in master,
    )


def public_dates(
    calendar: Calendar, index: TimeIndex, start: datetime, end: datetime, public_only: bool = True
) -> list[OfferingDate]:
    """The offering's dates overlapping [start, end), cancelled ones included, at most
    MAX_DATES (the earliest); dates whose override is not public only when not `public_only`
    (the staff's own view). Instances come from the stored index where it covers the window."""
    master = _master(calendar)
    if master is None:
        return []
    low, high = epoch(start), epoch(end)
    if index.covers(high, low):
        instances = index.between(low, high)
    else:
        instances = expand(calendar, "VEVENT", start - timedelta(days=2), end)
    components = calendar.subcomponents
    dates = []
    for instance in instances:
        source = components[instance.source]
        if (public_only and _class(source) != "PUBLIC") or instance.end <= low or instance.start >= high:
            continue
        dates.append(_date(instance, source, source is not master))
    dates += _exdates(master, low, high)
    dates.sort(key=lambda d: d.start)
    return dates[:MAX_DATES]


def _date(instance: Instance, source: Component, override: bool) -> OfferingDate:
    rid = instance.recurrence_id
    moved = override and rid is not None and "DTSTART" in source and _same(rid, prop(source, "DTSTART").dt) is False
    return OfferingDate(
        start=_utc(instance.start),
        end=_utc(instance.end),
        all_day=instance.all_day,
        cancelled=str(source.get("STATUS", "")).upper() == "CANCELLED",
        note=_text(source, "COMMENT", 300) if override or str(source.get("STATUS", "")).upper() == "CANCELLED" else "",
        key=date_key(rid),
        moved=moved,
    )


def _exdates(master: Component, low: int, high: int) -> list[OfferingDate]:
    """A date taken out of the series with EXDATE, shown as cancelled."""
    if "DTSTART" not in master:
        return []
    start = prop(master, "DTSTART").dt
    length = _length(master, start)
    values = master.get("EXDATE", [])
    out = []
    for exdate in values if isinstance(values, list) else [values]:
        for item in exdate.dts:
            value = item.dt
            if isinstance(start, datetime) and not isinstance(value, datetime):
                continue  # a DATE EXDATE on a DATE-TIME series: not an instance of it
            begins = epoch(value)
            if low - length < begins < high:
                out.append(
                    OfferingDate(
                        _utc(begins),
                        _utc(begins + length),
                        not isinstance(value, datetime),
                        True,
                        "",
                        date_key(value),
                        False,
                    )
                )
    return out


def _length(master: Component, start: date | datetime) -> int:
    if "DTEND" in master:
        return max(0, epoch(prop(master, "DTEND").dt) - epoch(start))
    if "DURATION" in master:
        return int(prop(master, "DURATION").dt.total_seconds())
    return 0 if isinstance(start, datetime) else 86400


def _master(calendar: Calendar) -> Component | None:
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    return next((c for c in events if "RECURRENCE-ID" not in c), None)


def _class(component: Component) -> str:
    return str(component.get("CLASS", "PUBLIC")).upper()


def _text(component: Component, name: str, limit: int) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else " ".join(str(value).split(" ")).strip()[:limit]


def _web_address(value: str) -> str:
    """Only http(s) addresses become links on a public page (no javascript:, no data:)."""
    return value if value.lower().startswith(("https://", "http://")) else ""


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def _same(rid: date | datetime, start: date | datetime) -> bool:
    return epoch(rid) == epoch(start)


def date_key(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _utc(epoch(value)).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)
