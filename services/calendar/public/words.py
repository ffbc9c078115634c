"""How the public pages name the calendar's words: the shared vocabulary's terms (categories,
audiences, accessibility) by their labels in the reader's language, from the snapshot the page
is made under; the filters' own words (times of day, "kostenlos") through the catalogue."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _, lazy_gettext as _l

from shared.identity.vocabulary import FOR_EVERYONE, Vocabulary
from shared.web.vocabulary import reader_language

from services.calendar.domain.public_filter import TERM_KEYS, InvalidFilter
from services.calendar.public import snapshot

FILTER_TITLES = {
    "district": _l("Stadtteil"),
    "audience": _l("Für wen"),
    "category": _l("Was"),
    "time": _l("Tageszeit"),
    "access": _l("Barrierefreiheit"),
    "free": _l("Kosten"),
    "partner": _l("Partner"),
}
TIME = {"vormittags": _l("vormittags"), "nachmittags": _l("nachmittags"), "abends": _l("abends")}
FREE = _l("kostenlos")


def vocabulary() -> Vocabulary:
    """The vocabulary of this request's snapshot (every part of a page reads the same)."""
    return snapshot.current().vocabulary


def label(key: str, value: str) -> str:
    """The visitor's word for a filter value (`key` a filter key: category, audience, access, time, free)."""
    if key == "free":
        return str(FREE)
    if key in TERM_KEYS:
        return vocabulary().label(TERM_KEYS[key], value, reader_language())
    return str(TIME.get(value, value)) if key == "time" else value


def shown(key: str, values: Iterable[str]) -> list[str]:
    """The terms among an offering's stored `values` (free text a calendar program added is
    left out), by their keys: what its page and the filter links name."""
    return list(vocabulary().known(TERM_KEYS[key], values))


def filter_message(exc: InvalidFilter) -> str:
    """The refusal in the asker's language (the domain's own text is German)."""
    texts = {
        "filter": _("Unbekannter Filter %(value)s. Möglich sind: %(allowed)s."),
        "partner": _("Unbekannter Partner %(value)s. Bitte den Kurznamen aus der Liste auf /calendar/ verwenden."),
        "district": _("Unbekannter Stadtteil %(value)s. Möglich sind: %(allowed)s."),
        "category": _("Unbekannte Kategorie %(value)s. Möglich sind: %(allowed)s."),
        "audience": _("Unbekannte Zielgruppe %(value)s. Möglich sind: %(allowed)s."),
        "access": _("Unbekannte Angabe zur Barrierefreiheit %(value)s. Möglich sind: %(allowed)s."),
        "time": _("Unbekannte Tageszeit %(value)s. Möglich sind: %(allowed)s."),
        "free": _("Für „kostenlos“ bitte free=1 angeben, nicht %(value)s."),
        "q": _("Die Suche ist zu lang (höchstens %(allowed)s Zeichen)."),
    }
    return texts[exc.key] % {"value": repr(exc.value[:60]), "allowed": exc.allowed}


def term_choices(words: Vocabulary, kind: str, chosen: Iterable[str] = ()) -> tuple[str, ...]:
    """The keys a filter or form offers: the active terms, and retired ones already `chosen`
    (a feed address or an offering that names one keeps it, and can let it go)."""
    return tuple(t.key for t in words.choices(kind, chosen))


def audience_choices(words: Vocabulary, chosen: Iterable[str] = ()) -> tuple[str, ...]:
    """Audiences to choose from: "for everyone" is not one of them (it is in every audience)."""
    return tuple(a for a in term_choices(words, "audience", chosen) if a != FOR_EVERYONE)
