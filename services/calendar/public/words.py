"""How the public pages name the calendar's words (vocabulary.py keeps the stored values):
German first, English through the catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
