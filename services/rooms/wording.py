"""Words for the rooms service: problem codes and conflicts as sentences a person can act on
(German first, English when the account asks for it). Used by the web pages and the API."""

from __future__ import annotations

from flask_babel import format_date, format_time, get_locale, gettext as _, lazy_gettext as _l, ngettext

from shared.web.vocabulary import reader_language, vocabulary

from services.rooms import domain

PROBLEMS = {
    "naive_time": _l("Bitte geben Sie die Zeit mit Zeitzone an (z. B. 2027-01-14T15:00:00+01:00)."),
    "ends_before_start": _l("Das Ende muss nach dem Beginn liegen."),
    "too_long": _l(
        "Eine Buchung darf höchstens %(hours)s Stunden dauern.", hours=int(domain.MAX_DURATION.total_seconds() // 3600)
    ),
    "in_past": _l("Dieser Zeitpunkt liegt in der Vergangenheit. Bitte wählen Sie eine Zeit in der Zukunft."),
    "too_far_ahead": _l("Buchungen sind höchstens zwei Jahre im Voraus möglich."),
    "title_missing": _l("Bitte geben Sie einen Titel an."),
    "title_too_long": _l("Der Titel darf höchstens %(n)s Zeichen lang sein.", n=domain.TITLE_MAX),
    "name_missing": _l("Bitte geben Sie einen Namen an."),
    "name_too_long": _l("Der Name darf höchstens 200 Zeichen lang sein."),
    "capacity_range": _l("Die Zahl der Sitzplätze muss zwischen 0 und 2000 liegen."),
    "equipment_unknown": _l("Unbekannte Ausstattung."),
    "no_partner": _l("Ihr Konto gehört zu keinem Partner; nur Partner können Räume buchen."),
    "not_owner": _l("Diesen Raum darf nur der Partner ändern, dem er gehört."),
    "district_unknown": _l("Bitte wählen Sie einen Stadtteil aus der Liste."),
    "alt_missing": _l("Bitte beschreiben Sie kurz, was das Foto zeigt (für Menschen, die es nicht sehen)."),
    "room_retired": _l("Dieser Raum wird nicht mehr angeboten und kann nicht mehr gebucht werden."),
    "partner_inactive": _l(
        "Der Träger dieses Raums ist im Netzwerk zurzeit nicht aktiv; der Raum kann deshalb nicht "
        "gebucht werden. Bestehende Buchungen bleiben bestehen."
    ),
    "photo_not_found": _l("Dieses Foto gibt es nicht (mehr)."),
    "too_many_photos": _l(
        "Ein Raum hat höchstens %(n)s Fotos. Bitte entfernen Sie erst eines.", n=domain.rooms.MAX_PHOTOS
    ),
    "partner_unknown": _l("Bitte wählen Sie einen Partner aus der Liste."),
}

ACCESS_LABELS = {  # domain.ACCESS, as the room page and the search results say them
    "step_free": _l("stufenlos erreichbar"),
    "lift": _l("Aufzug"),
    "accessible_toilet": _l("barrierefreies WC"),
    "hearing_loop": _l("Höranlage (Induktionsschleife)"),
}


def access_facts(room) -> list[str]:
    """What the room offers of domain.ACCESS, in words."""
    return [str(ACCESS_LABELS[fact]) for fact in domain.ACCESS if getattr(room, fact, False)]


def still_booked(dates: int) -> str:
    """Why a room cannot be retired yet, and what to do."""
    return ngettext(
        "Der Raum ist ab heute noch an %(num)s Termin gebucht oder angefragt. Sagen Sie den Termin "
        "erst ab (die Buchenden werden benachrichtigt) oder warten Sie, bis er vorbei ist.",
        "Der Raum ist ab heute noch an %(num)s Terminen gebucht oder angefragt. Sagen Sie die Termine "
        "erst ab (die Buchenden werden benachrichtigt) oder warten Sie, bis sie vorbei sind.",
        dates,
    )


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, code))


def text_problem(code: str, max_length: int) -> str:
    """domain.text_problem's code as a sentence that names the field's own limit."""
    if code == "text_too_long":
        return _("Höchstens %(n)s Zeichen.", n=max_length)
    return problem(code)


def problems(found: dict[str, str]) -> dict[str, list[str]]:
    return {field: [problem(code)] for field, code in found.items()}


def equipment_label(key: str) -> str:
    """The shared vocabulary's label of an equipment key, in the reader's language."""
    return vocabulary().label("equipment", key, reader_language())


# Days as the pages write them, by name and language (the template filter `day`). Not CLDR's
# English formats: those put the month first ("December 3, 2025"); these keep the day first, as in
# German, and write the month as a word where German uses a number ("3 Dec 2025", not "3.12.2025").
DAY_PATTERNS = {
    "de": {
        "full": "EEEE, d. MMMM y",
        "abbr": "EE, d. MMMM y",
        "long": "d. MMMM y",
        "short": "d.M.y",
        "weekday": "EEEE, d.M.",
        "axis": "EE d.",
    },
    "en": {
        "full": "EEEE, d MMMM y",
        "abbr": "EE, d MMMM y",
        "long": "d MMMM y",
        "short": "d MMM y",
        "weekday": "EEEE, d MMM",
        "axis": "EE d",
    },
}


def day(value, style: str = "full") -> str:
    """'Mittwoch, 3. Dezember 2025' / 'Wednesday, 3 December 2025' (style "full"), in the local time
    zone for a datetime; the other styles are in DAY_PATTERNS."""
    locale = get_locale()
    patterns = DAY_PATTERNS.get(locale.language if locale else "de", DAY_PATTERNS["de"])
    return format_date(value, patterns[style])


def when(starts_at, ends_at) -> str:
    """'am 3. Dezember 2025 von 15:00 bis 16:00', in the local time zone."""
    return _(
        "am %(day)s von %(start)s bis %(end)s",
        day=day(starts_at, "long"),
        start=format_time(starts_at, "HH:mm"),
        end=format_time(ends_at, "HH:mm"),
    )


def conflict(c: domain.Conflict | None) -> str:
    if c is None:
        return _("Der Raum ist zu dieser Zeit gerade eben belegt worden. Bitte wählen Sie eine andere Zeit.")
    holder = (
        _("Ihre Buchung Nr. %(id)s „%(title)s“", id=c.booking_id, title=c.title)
        if c.own
        else _("Buchung Nr. %(id)s eines anderen Partners", id=c.booking_id)
    )
    return _(
        "Der Raum ist %(when)s schon belegt (%(holder)s). Bitte wählen Sie eine andere Zeit.",
        when=when(c.starts_at, c.ends_at),
        holder=holder,
    )


SERIES_PROBLEMS = {
    "freq_unknown": _l("Unbekannte Wiederholung: bitte once, weekly oder monthly angeben."),
    "interval_range": _l("Der Abstand muss zwischen 1 und 8 liegen."),
    "count_or_until": _l("Bitte geben Sie an, wie oft oder bis wann die Serie läuft."),
    "count_and_until": _l("Bitte nur eines angeben: Anzahl oder Enddatum."),
    "count_range": _l("Eine Serie hat höchstens 200 Termine."),
    "too_many_dates": _l("Eine Serie hat höchstens 200 Termine."),
    "until_before_start": _l("Das Enddatum liegt vor dem ersten Termin."),
    "series_too_long": _l("Eine Serie darf höchstens zwei Jahre dauern."),
    "ordinal_range": _l("Bitte 1., 2., 3., 4. oder letzten Wochentag des Monats wählen."),
    "nothing_left": _l("Alle Termine wurden abgewählt; es bleibt nichts zu buchen."),
    "crosses_midnight": _l("Eine Buchung muss am selben Tag enden, an dem sie beginnt."),
    "rule_too_short": _l("Kürzer als die Mindestdauer dieses Raums."),
    "rule_too_long": _l("Länger als die Höchstdauer dieses Raums."),
    "rule_too_far_ahead": _l("So weit im Voraus nimmt dieser Raum keine Buchungen an."),
    "rule_closed_hours": _l("Außerhalb der Öffnungszeiten des Raums."),
    "rule_closure": _l("Der Raum ist an diesem Tag geschlossen."),
    "scope_unknown": _l("Bitte occurrence, following oder series angeben."),
    "occurrence_unknown": _l("Diesen Termin gibt es in der Buchung nicht."),
    "nothing_to_cancel": _l("Hier ist nichts mehr abzusagen."),
    "nothing_to_change": _l("Hier ist nichts mehr zu ändern."),
    "not_restorable": _l("Dieser Termin ist nicht abgesagt oder ausgelassen und kann nicht wieder aufgenommen werden."),
    "not_requested": _l("Diese Buchung wartet nicht auf eine Freigabe."),
    "not_yours": _l("Diese Buchung gehört einem anderen Partner."),
    "opening_format": _l('Öffnungszeiten bitte als {"mo": ["08:00", "20:00"]} angeben.'),
    "opening_order": _l("Die Schließzeit muss nach der Öffnungszeit liegen."),
    "weekday_unknown": _l("Wochentage bitte als mo, di, mi, do, fr, sa, so angeben."),
    "duration_range": _l("Mindest- und Höchstdauer passen nicht zusammen (1 Minute bis 14 Stunden)."),
    "days_ahead_range": _l("Vorlauf bitte zwischen 1 und 732 Tagen angeben."),
    "buffer_range": _l("Die Pufferzeit muss zwischen 0 und 240 Minuten liegen."),
    "closure_order": _l("Das Ende einer Schließzeit muss nach ihrem Beginn liegen."),
    "too_many_closures": _l("Höchstens 200 Schließzeiten."),
    "text_too_long": _l("Der Text ist zu lang."),
    "reason_too_long": _l("Der Grund einer Schließzeit darf höchstens 200 Zeichen lang sein."),
    "date_range": _l(
        "Bitte ein Datum zwischen %(first)s und %(last)s angeben.",
        first=domain.EARLIEST_DAY.year,
        last=domain.LATEST_DAY.year,
    ),
    "text_control": _l(
        "Bitte ohne Steuerzeichen (unsichtbare Zeichen wie NUL; in einzeiligen Feldern auch "
        "ohne Zeilenumbruch oder Tabulator)."
    ),
    "cancelled_by_owner": _l(
        "Diesen Termin hat das Haus abgesagt, dem der Raum gehört; nur das Haus kann ihn "
        "wieder aufnehmen. Bitte buchen oder fragen Sie ihn neu an."
    ),
    "decision_unknown": _l("Bitte für jeden Termin „freigeben“ oder „ablehnen“ wählen (approve oder decline)."),
    "not_pending": _l("Dieser Termin wartet nicht auf eine Freigabe. Bitte laden Sie die Anfragen neu."),
    "decided_twice": _l("Jeder Termin bitte nur einmal entscheiden."),
    "undecided_dates": _l(
        "Bitte entscheiden Sie über jeden wartenden Termin der Anfrage: freigeben oder ablehnen. "
        "Bitte laden Sie die Anfragen neu."
    ),
    "request_changed": _l(
        "Die Anfrage wurde inzwischen geändert. Bitte sehen Sie sie sich noch einmal an und entscheiden Sie dann."
    ),
}
PROBLEMS.update(SERIES_PROBLEMS)


def conflict_line(c: domain.Conflict, partner_name: str) -> str:
    """One collision as the viewer may see it: own title, or "belegt (Partner)"."""
    who = c.title if c.own else _("belegt (%(partner)s)", partner=partner_name)
    return _("%(when)s: %(who)s, Buchung Nr. %(id)s", when=when(c.starts_at, c.ends_at), who=who, id=c.booking_id)


def series_conflict(dates) -> str:
    return ngettext(
        "%(num)s Termin kollidiert oder verstößt gegen Raumregeln: %(first)s. Bitte lassen Sie ihn "
        "aus oder wählen Sie eine andere Zeit.",
        "%(num)s Termine kollidieren oder verstoßen gegen Raumregeln: %(first)s. Bitte lassen Sie diese "
        "Termine aus oder wählen Sie eine andere Zeit.",
        len(dates),
        first=", ".join(day(d.day, "short") for d in dates[:10]),
    )
