"""Public iCal feeds: which events a filter selects, and one VCALENDAR assembled from many
stored resources (with a VTIMEZONE for every TZID, as Outlook requires)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from icalendar import Calendar, Component, vDuration

from services.calendar.domain.calendar_data import COMPONENTS
from shared.timezones import berlin_vtimezone
from services.calendar.domain.vocabulary import AUDIENCES, CATEGORIES, LOCAL_TZID

PRODID = "-//Treffpunkt Jena//Kalender//DE"
FILTER_KEYS = ("partner", "district", "category", "audience")


class InvalidFilter(ValueError):
    """An unknown filter value: `key` (a FILTER_KEYS entry, or "filter" for an unknown key),
    the `value` given and what is `allowed`. str() is German; pages translate from the fields."""

    GERMAN = {
        "filter": "Unbekannter Filter {value!r}. Möglich sind: {allowed}.",
        "partner": "Unbekannter Partner {value!r}. Bitte den Kurznamen aus der Liste auf /calendar/ verwenden.",
        "district": "Unbekannter Stadtteil {value!r}. Möglich sind: {allowed}.",
        "category": "Unbekannte Kategorie {value!r}. Möglich sind: {allowed}.",
        "audience": "Unbekannte Zielgruppe {value!r}. Möglich sind: {allowed}.",
    }

    def __init__(self, key: str, value: str, allowed: Iterable[str] = ()) -> None:
        self.key, self.value, self.allowed = key, value, ", ".join(allowed)
        super().__init__(self.GERMAN[key].format(value=value[:60], allowed=self.allowed))


@dataclass(frozen=True)
class FeedFilter:
    """Values within one key are alternatives (OR); different keys must all hold (AND)."""

    partner_ids: frozenset[int] = field(default_factory=frozenset)
    category: frozenset[str] = field(default_factory=frozenset)
    audience: frozenset[str] = field(default_factory=frozenset)

    def accepts(self, partner_id: int | None, categories: Iterable[str], audience: Iterable[str]) -> bool:
        if self.partner_ids and partner_id not in self.partner_ids:
            return False
        if self.category and not self.category & {c.casefold() for c in categories}:
            return False
        # an offering "for everyone" belongs in every audience's feed
        if self.audience:
            theirs = {a.casefold() for a in audience}
            if "alle" not in theirs and not self.audience & theirs:
                return False
        return True


def parse_filter(args: dict[str, list[str]], partners: list[dict[str, Any]], districts: Iterable[str]) -> FeedFilter:
    """`args` maps a query key to its values; `partners` are dicts with id, slug, district."""
    unknown = set(args) - set(FILTER_KEYS)
    if unknown:
        raise InvalidFilter("filter", sorted(unknown)[0], FILTER_KEYS)
    by_slug = {p["slug"]: p for p in partners}
    selected: set[int] | None = None
    if args.get("partner"):
        for slug in args["partner"]:
            if slug not in by_slug:
                raise InvalidFilter("partner", slug)
        selected = {by_slug[s]["id"] for s in args["partner"]}
    if args.get("district"):
        wanted = {_choice(d, districts, "district") for d in args["district"]}
        in_districts = {p["id"] for p in partners if p["district"] in wanted}
        selected = in_districts if selected is None else selected & in_districts
        if not selected:
            selected = {-1}  # a partner outside the district: nothing matches (not "everything")
    return FeedFilter(
        partner_ids=frozenset(selected or ()),
        category=frozenset(_choice(c, CATEGORIES, "category").casefold() for c in args.get("category", [])),
        audience=frozenset(_choice(a, AUDIENCES, "audience").casefold() for a in args.get("audience", [])),
    )


def _choice(value: str, allowed: Iterable[str], key: str) -> str:
    for option in allowed:
        if option.casefold() == value.strip().casefold():
            return option
    raise InvalidFilter(key, value, allowed)


def new_feed(name: str, description: str = "") -> Calendar:
    """An empty published calendar with the properties subscribers read: its name, the local
    time zone, and an hourly refresh (REFRESH-INTERVAL for RFC 7986 clients, X-PUBLISHED-TTL for
    Outlook)."""
    feed = Calendar()
    feed.add("PRODID", PRODID)
    feed.add("VERSION", "2.0")
    feed.add("CALSCALE", "GREGORIAN")
    feed.add("METHOD", "PUBLISH")
    feed.add("X-WR-CALNAME", name)
    if description:
        feed.add("X-WR-CALDESC", description)
    feed.add("X-WR-TIMEZONE", LOCAL_TZID)
    feed.add("REFRESH-INTERVAL", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    feed.add("X-PUBLISHED-TTL", vDuration(timedelta(hours=1)))
    return feed


def assemble(resources: list[bytes], name: str, description: str = "") -> bytes:
    """One VCALENDAR holding every component of `resources` and each VTIMEZONE once."""
    feed = new_feed(name, description)
    timezones: dict[str, Component] = {LOCAL_TZID: berlin_vtimezone()}
    events: list[Component] = []
    for data in resources:
        calendar = Calendar.from_ical(data)
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                timezones.setdefault(str(component["TZID"]), component)
            elif component.name in COMPONENTS:
                events.append(component)
    for tz in timezones.values():
        feed.add_component(tz)
    for event in events:
        feed.add_component(event)
    feed.add_missing_timezones()  # a TZID without its VTIMEZONE would shift events in Outlook
    text: bytes = feed.to_ical()
    return text
