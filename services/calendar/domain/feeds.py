"""Public iCal feeds: which events a filter selects (the feed itself is put together by
domain/ics_feed.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from services.calendar.domain.vocabulary import AUDIENCES, CATEGORIES

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
