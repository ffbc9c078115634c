"""How the public pages name the calendar's words (vocabulary.py keeps the stored values):
German first, English through the catalogue."""

from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from services.calendar.domain.public_filter import InvalidFilter

FILTER_TITLES = {
    "district": _l("Stadtteil"),
    "audience": _l("Für wen"),
    "category": _l("Was"),
    "time": _l("Tageszeit"),
    "access": _l("Barrierefreiheit"),
    "free": _l("Kosten"),
    "partner": _l("Partner"),
}
CATEGORY = {
    "Sport": _l("Sport und Bewegung"),
    "Kultur": _l("Kultur"),
    "Beratung": _l("Beratung"),
    "Essen": _l("Essen"),
    "Bildung": _l("Lernen"),
    "Begegnung": _l("Begegnung"),
}
AUDIENCE = {
    "Kinder": _l("Kinder"),
    "Jugendliche": _l("Jugendliche"),
    "Familien": _l("Familien"),
    "Erwachsene": _l("Erwachsene"),
    "Senioren": _l("Senior:innen"),
    "Alle": _l("alle"),
}
ACCESS = {
    "stufenlos": _l("stufenlos erreichbar"),
    "hoerschleife": _l("Hörschleife"),
    "gebaerdensprache": _l("Gebärdensprache (DGS)"),
    "leichte-sprache": _l("Leichte Sprache"),
    "kinderbetreuung": _l("Kinderbetreuung"),
}
TIME = {"vormittags": _l("vormittags"), "nachmittags": _l("nachmittags"), "abends": _l("abends")}
FREE = _l("kostenlos")


def label(key: str, value: str) -> str:
    """The visitor's word for a filter value."""
    table = {"category": CATEGORY, "audience": AUDIENCE, "access": ACCESS, "time": TIME}.get(key, {})
    if key == "free":
        return str(FREE)
    return str(table.get(value, value))


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
