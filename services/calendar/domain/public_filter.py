"""Which public offerings a visitor or a feed asks for: the filter of the public pages, the
embed and the iCal feeds alike (one parser, one meaning). The store turns it into SQL
(store/sql_public.py); here it is only read and checked.

Values within one key are alternatives (OR) and keys must all hold (AND), except accessibility
facts: a person who needs step-free access and a hearing loop needs both.

Categories, audiences and accessibility facts are the shared vocabulary's, passed in as data: a
retired term is still a valid filter (feed addresses that name it keep working), but a refusal
lists only the active ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.identity.vocabulary import Vocabulary

from services.calendar.domain.vocabulary import TIMES_OF_DAY

FILTER_KEYS = ("partner", "district", "category", "audience", "access", "time", "free", "q")
MAX_QUERY = 100  # characters of a search
MAX_VALUES = 20  # values of one key (a link with more is not a person's choice)
YES = ("1", "ja", "yes", "true")


class InvalidFilter(ValueError):
    """An unknown filter value: `key` (a FILTER_KEYS entry, or "filter" for an unknown key),
    the `value` given and what is `allowed`. str() is German; pages translate from the fields."""

    GERMAN = {
        "filter": "Unbekannter Filter {value!r}. Möglich sind: {allowed}.",
        "partner": "Unbekannter Partner {value!r}. Bitte den Kurznamen aus der Liste auf /calendar/ verwenden.",
        "district": "Unbekannter Stadtteil {value!r}. Möglich sind: {allowed}.",
        "category": "Unbekannte Kategorie {value!r}. Möglich sind: {allowed}.",
        "audience": "Unbekannte Zielgruppe {value!r}. Möglich sind: {allowed}.",
        "access": "Unbekannte Angabe zur Barrierefreiheit {value!r}. Möglich sind: {allowed}.",
        "time": "Unbekannte Tageszeit {value!r}. Möglich sind: {allowed}.",
        "free": "Für „kostenlos“ bitte free=1 angeben, nicht {value!r}.",
        "q": "Die Suche ist zu lang (höchstens {allowed} Zeichen).",
    }

    def __init__(self, key: str, value: str, allowed: Iterable[str] = ()) -> None:
        self.key, self.value, self.allowed = key, value, ", ".join(allowed)
        super().__init__(self.GERMAN[key].format(value=value[:60], allowed=self.allowed))


@dataclass(frozen=True)
class PublicFilter:
    partner_ids: frozenset[int] = field(default_factory=frozenset)
    districts: frozenset[str] = field(default_factory=frozenset)
    district_partner_ids: frozenset[int] = field(default_factory=frozenset)  # partners based there
    categories: frozenset[str] = field(default_factory=frozenset)
    audiences: frozenset[str] = field(default_factory=frozenset)
    accessibility: frozenset[str] = field(default_factory=frozenset)
    times: frozenset[str] = field(default_factory=frozenset)
    free: bool = False
    query: str = ""

    @property
    def empty(self) -> bool:
        return self == PublicFilter()

    def minute_ranges(self) -> list[tuple[int, int]]:
        """The chosen times of day as [from, to) minutes after local midnight."""
        return [TIMES_OF_DAY[t] for t in sorted(self.times)]


def filter_args(args: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The filter keys of a query string with their non-empty values (other keys dropped)."""
    chosen = {key: [v.strip() for v in args.get(key, []) if v.strip()] for key in FILTER_KEYS}
    return {key: values for key, values in chosen.items() if values}


# the filter's key for each kind of term
TERM_KEYS = {"category": "category", "audience": "audience", "access": "accessibility"}


def parse_filter(
    args: Mapping[str, list[str]], partners: list[dict[str, Any]], districts: Iterable[str], vocabulary: Vocabulary
) -> PublicFilter:
    """`args` maps a query key to its values (every key must be a filter key); `partners` are
    dicts with id, slug, district."""
    unknown = set(args) - set(FILTER_KEYS)
    if unknown:
        raise InvalidFilter("filter", sorted(unknown)[0], FILTER_KEYS)
    args = {key: list(dict.fromkeys(values))[:MAX_VALUES] for key, values in args.items()}
    by_slug = {p["slug"]: p for p in partners}
    for slug in args.get("partner", []):
        if slug not in by_slug:
            raise InvalidFilter("partner", slug)
    chosen_districts = frozenset(_choice(d, districts, "district") for d in args.get("district", []))
    free = args.get("free", [])
    if any(v.casefold() not in YES for v in free):
        raise InvalidFilter("free", next(v for v in free if v.casefold() not in YES))
    query = " ".join(" ".join(args.get("q", [])).split())
    if len(query) > MAX_QUERY:
        raise InvalidFilter("q", query, [str(MAX_QUERY)])
    return PublicFilter(
        partner_ids=frozenset(by_slug[s]["id"] for s in args.get("partner", [])),
        districts=chosen_districts,
        district_partner_ids=frozenset(p["id"] for p in partners if p["district"] in chosen_districts),
        categories=_terms(vocabulary, "category", args),
        audiences=_terms(vocabulary, "audience", args),
        accessibility=_terms(vocabulary, "access", args),
        times=frozenset(_choice(t, TIMES_OF_DAY, "time") for t in args.get("time", [])),
        free=bool(free),
        query=query,
    )


def _terms(vocabulary: Vocabulary, key: str, args: Mapping[str, list[str]]) -> frozenset[str]:
    kind = TERM_KEYS[key]
    chosen = set()
    for value in args.get(key, []):
        term = vocabulary.term(kind, value)
        if term is None:
            raise InvalidFilter(key, value, vocabulary.keys(kind, active_only=True))
        chosen.add(term.key)
    return frozenset(chosen)


def _choice(value: str, allowed: Iterable[str], key: str) -> str:
    for option in allowed:
        if option.casefold() == value.strip().casefold():
            return option
    raise InvalidFilter(key, value, allowed)
