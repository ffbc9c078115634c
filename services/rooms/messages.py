"""Words for the rooms service: problem codes and conflicts as sentences a person can act on
(German first, English when the account asks for it). Used by the web pages and the API."""
from __future__ import annotations

from flask_babel import format_date, format_time, gettext as _, lazy_gettext as _l

from services.rooms import domain

PROBLEMS = {
    "naive_time": _l("Bitte geben Sie die Zeit mit Zeitzone an (z. B. 2025-12-03T15:00:00+01:00)."),
    "ends_before_start": _l("Das Ende muss nach dem Beginn liegen."),
    "too_long": _l("Eine Buchung darf höchstens %(hours)s Stunden dauern.",
                   hours=int(domain.MAX_DURATION.total_seconds() // 3600)),
    "in_past": _l("Dieser Zeitpunkt liegt in der Vergangenheit. Bitte wählen Sie eine Zeit in der Zukunft."),
    "too_far_ahead": _l("Buchungen sind höchstens zwei Jahre im Voraus möglich."),
    "title_missing": _l("Bitte geben Sie einen Titel an."),
    "title_too_long": _l("Der Titel darf höchstens %(n)s Zeichen lang sein.", n=domain.TITLE_MAX),
    "name_missing": _l("Bitte geben Sie einen Namen an."),
    "name_too_long": _l("Der Name darf höchstens 200 Zeichen lang sein."),
    "capacity_range": _l("Die Platzzahl muss zwischen 0 und 2000 liegen."),
    "equipment_unknown": _l("Unbekannte Ausstattung."),
    "no_partner": _l("Ihr Konto gehört zu keinem Partner; nur Partner können Räume buchen."),
    "not_owner": _l("Diesen Raum darf nur der Partner ändern, dem er gehört."),
}

EQUIPMENT_LABELS = {
    "beamer": _l("Beamer"), "leinwand": _l("Leinwand"), "kueche": _l("Küche"), "klavier": _l("Klavier"),
    "matten": _l("Gymnastikmatten"), "musikanlage": _l("Musikanlage"), "whiteboard": _l("Whiteboard"),
    "tische": _l("Tische"), "stuehle": _l("Stühle"), "wlan": _l("WLAN"), "kinderecke": _l("Kinderecke"),
    "werkbank": _l("Werkbank"), "spiegel": _l("Spiegelwand"), "flipchart": _l("Flipchart"),
}


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))


def problems(found: dict[str, str]) -> dict[str, list[str]]:
    return {field: [problem(code)] for field, code in found.items()}


def equipment_label(key: str) -> str:
    return str(EQUIPMENT_LABELS.get(key, key))


def when(starts_at, ends_at) -> str:
    """'am 3. Dezember 2025 von 15:00 bis 16:00', in the local time zone."""
    return _("am %(day)s von %(start)s bis %(end)s", day=format_date(starts_at, "d. MMMM y"),
             start=format_time(starts_at, "HH:mm"), end=format_time(ends_at, "HH:mm"))


def conflict(c: domain.Conflict | None) -> str:
    if c is None:
        return _("Der Raum ist zu dieser Zeit gerade eben belegt worden. Bitte wählen Sie eine andere Zeit.")
    holder = (_("Ihre Buchung Nr. %(id)s „%(title)s“", id=c.booking_id, title=c.title) if c.own
              else _("Buchung Nr. %(id)s eines anderen Partners", id=c.booking_id))
    return _("Der Raum ist %(when)s schon belegt (%(holder)s). Bitte wählen Sie eine andere Zeit.",
             when=when(c.starts_at, c.ends_at), holder=holder)
