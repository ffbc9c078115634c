"""The Engagementbörse's words: the vocabulary's keys as people read them, and every refusal
code of the domain and the use cases as a sentence a person can act on."""

from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l, ngettext

from shared.db import as_utc
from shared.local_times import span

from services.engagement.domain import shifts as shift_rules
from services.engagement.exchange import convert

TOPICS = {
    "visiting": _l("Besuchsdienst"),
    "grandparents": _l("Oma/Opa-Patenschaft"),
    "lunch_table": _l("Mittagstisch"),
    "homework": _l("Hausaufgabenhilfe"),
    "language": _l("Sprache und Vorlesen"),
    "festivals": _l("Feste und Feiern"),
    "digital": _l("Hilfe mit Handy und Computer"),
    "garden": _l("Garten"),
    "sport": _l("Sport und Bewegung"),
    "culture": _l("Kultur"),
    "accompanying": _l("Begleiten (Arzt, Einkauf, Spaziergang)"),
}
WITH_WHOM = {
    "children": _l("Kinder"),
    "young_people": _l("Jugendliche"),
    "families": _l("Familien"),
    "older_people": _l("ältere Menschen"),
    "people_with_dementia": _l("Menschen mit Demenz"),
    "people_new_to_germany": _l("Menschen, die neu in Deutschland sind"),
    "people_with_disabilities": _l("Menschen mit Behinderung"),
    "everyone": _l("alle"),
}
WEEKDAYS = {
    0: _l("Montag"),
    1: _l("Dienstag"),
    2: _l("Mittwoch"),
    3: _l("Donnerstag"),
    4: _l("Freitag"),
    5: _l("Samstag"),
    6: _l("Sonntag"),
}
TIMES_OF_DAY = {"morning": _l("vormittags"), "afternoon": _l("nachmittags"), "evening": _l("abends")}
KINDS = {"shift": _l("einzelne Termine"), "regular": _l("regelmäßig"), "open": _l("nach Absprache")}
LANGUAGES = {
    "de": _l("Deutsch"),
    "en": _l("Englisch"),
    "ar": _l("Arabisch"),
    "uk": _l("Ukrainisch"),
    "ru": _l("Russisch"),
    "fa": _l("Persisch"),
    "tr": _l("Türkisch"),
    "fr": _l("Französisch"),
    "es": _l("Spanisch"),
    "pl": _l("Polnisch"),
    "vi": _l("Vietnamesisch"),
}
APPLICATION_STATES = {
    "unconfirmed": _l("noch nicht bestätigt"),
    "confirmed": _l("beim Partner, noch keine Antwort"),
    "in_touch": _l("der Partner meldet sich bei Ihnen"),
    "accepted": _l("angenommen"),
    "declined": _l("abgesagt"),
    "withdrawn": _l("von Ihnen zurückgezogen"),
    "expired": _l("nicht bestätigt, verfallen"),
}
CERTIFICATE_STATES = {
    "valid": _l("gesehen, gültig"),
    "renew_soon": _l("gesehen, bald neu vorzeigen"),
    "expired": _l("zu alt, neu vorzeigen"),
    "missing": _l("noch nicht gesehen"),
}
SIGNUP_STATES = {
    "unconfirmed": _l("noch nicht bestätigt"),
    "confirmed": _l("Sie sind dabei"),
    "waiting": _l("auf der Warteliste"),
    "withdrawn": _l("abgemeldet"),
    "removed": _l("vom Partner abgemeldet"),
    "expired": _l("nicht bestätigt, verfallen"),
}
PROBLEMS = {
    "missing": _l("Bitte ausfüllen."),
    "text_too_long": _l("Das ist zu lang."),
    "text_control": _l("Bitte nur normalen Text, ohne Steuerzeichen."),
    "email_invalid": _l("Das sieht nicht wie eine E-Mail-Adresse aus, z. B. name@beispiel.de."),
    "phone_invalid": _l("Bitte nur Ziffern, Leerzeichen und am Anfang ein +, z. B. 03641 123456."),
    "consent_missing": _l("Ohne Ihre Einwilligung können wir Ihr Angebot nicht weitergeben."),
    "shift_unknown": _l("Bitte wählen Sie einen der angebotenen Termine."),
    "deadline_passed": _l("Für diesen Termin ist die Anmeldefrist vorbei. Bitte rufen Sie die Ansprechperson an."),
    "shift_over": _l("Dieser Termin ist schon vorbei."),
    "shift_cancelled": _l("Dieser Termin fällt aus."),
    "already_signed_up": _l("Sie sind für diesen Termin schon eingetragen."),
    "same_shift": _l("Das ist schon Ihr Termin. Bitte wählen Sie einen anderen."),
    "not_signed_up": _l("Sie sind für diesen Termin nicht (mehr) eingetragen."),
    "expired": _l("Dieser Link ist abgelaufen. Bitte bieten Sie Ihre Hilfe noch einmal an."),
    "transition_not_allowed": _l("Das geht in diesem Stand nicht mehr."),
    "not_found": _l("Diese Seite gibt es nicht (mehr)."),
    "unknown": _l("Bitte wählen Sie aus der Liste."),
    "nothing_chosen": _l("Bitte kreuzen Sie mindestens eines an: Stadtteil, Wochentag, Tageszeit, Thema oder mit wem."),
    "too_many_interests": _l(
        "Sie haben schon fünf Suchaufträge. Bitte beenden Sie zuerst einen über den Link in unseren E-Mails."
    ),
}


RECORD_PROBLEMS = {
    ("hours", "out_of_range"): _l("Bitte zwischen einer Minute und 14 Stunden."),
    ("hours", "day_total_too_high"): _l(
        "Zusammen mit den anderen Einträgen dieses Tages wären das mehr als 14 Stunden."
    ),
    ("day", "in_future"): _l("Dieser Tag liegt in der Zukunft."),
    ("day", "too_old"): _l("Das liegt mehr als ein Jahr zurück."),
    ("seen_on", "in_future"): _l("Dieser Tag liegt in der Zukunft."),
    ("seen_on", "too_old"): _l("Ein Führungszeugnis, das vor mehr als fünf Jahren gesehen wurde, gilt nicht mehr."),
}


def record_problem(field: str, code: str) -> str:
    return str(RECORD_PROBLEMS.get((field, code)) or problem(code))


def message_problem(code: str) -> str:
    if code == "too_long_for_sms":
        return str(_l("Für eine SMS ist die Nachricht zu lang: höchstens 300 Zeichen, oder ohne SMS senden."))
    return problem(code)


FULL = _l("alle Plätze belegt, Warteliste")


def places_free(count: int) -> str:
    return ngettext("noch %(num)s Platz frei", "noch %(num)s Plätze frei", count)


def problem(code: str) -> str:
    return str(PROBLEMS.get(code, PROBLEMS["transition_not_allowed"]))


def hours_of(minutes: int) -> str:
    """120 -> "2", 90 -> "1,5" (German) or "1.5"."""
    hours = f"{minutes / 60:.1f}".removesuffix(".0")
    locale = get_locale()
    return hours if locale and locale.language == "en" else hours.replace(".", ",")


def _language() -> str:
    locale = get_locale()
    return "en" if locale and locale.language == "en" else "de"


def shift_span(shift) -> str:
    return span(as_utc(shift.starts_at), as_utc(shift.ends_at), _language())


def meeting_span(application) -> str:
    return span(as_utc(application.meeting_starts_at), as_utc(application.meeting_ends_at), _language())


def waiting_number(signup) -> int:
    found = shift_rules.place_of(convert.shift(signup.shift), signup.volunteer_id)
    return found[1] if found else 0


def self_service_open(shift, now) -> bool:
    return now < convert.shift(shift).self_service_until


def interest_summary(interest) -> str:
    """'Lobeda, Winzerla · Dienstag · nachmittags · Besuchsdienst': what an interest asks for."""
    parts = [
        ", ".join(interest.districts),
        ", ".join(str(WEEKDAYS[d]) for d in interest.weekdays),
        ", ".join(str(TIMES_OF_DAY[t]) for t in interest.times_of_day),
        ", ".join(str(TOPICS[t]) for t in interest.topics),
        ", ".join(str(WITH_WHOM[w]) for w in interest.with_whom),
    ]
    return " · ".join(p for p in parts if p)


def languages(codes) -> str:
    return ", ".join(str(LANGUAGES.get(c, c)) for c in codes)


def init_app(app) -> None:
    app.jinja_env.globals.update(
        engagement_words={
            "topics": TOPICS,
            "with_whom": WITH_WHOM,
            "weekdays": WEEKDAYS,
            "times_of_day": TIMES_OF_DAY,
            "kinds": KINDS,
            "application_states": APPLICATION_STATES,
            "signup_states": SIGNUP_STATES,
            "certificate_states": CERTIFICATE_STATES,
        },
        engagement_languages=languages,
        hours_of=hours_of,
        engagement_span=shift_span,
        engagement_meeting=meeting_span,
        waiting_number=waiting_number,
        self_service_open=self_service_open,
        interest_summary=interest_summary,
    )


# --- Patenschaften and the figures (web/sponsorships.py, web/figures.py) ----------------------
STAGES = {
    "first_talk": _l("Erstgespräch"),
    "getting_to_know": _l("Kennenlernen"),
    "active": _l("Patenschaft läuft"),
    "ended": _l("beendet"),
}
END_REASONS = {
    "completed": _l("Vereinbarte Zeit vorbei oder Kind groß geworden"),
    "family_moved": _l("Familie ist umgezogen"),
    "volunteer_moved": _l("Pate oder Patin ist umgezogen"),
    "volunteer_no_time": _l("Pate oder Patin hat keine Zeit mehr"),
    "health": _l("Gesundheit"),
    "did_not_fit": _l("Hat nicht gepasst"),
    "other": _l("Anderer Grund"),
}
PROBLEMS.update(
    {
        "reason_missing": _l("Bitte wählen Sie einen Grund für das Ende."),
        "stage_skipped": _l("Bitte eine Stufe nach der anderen, ohne eine zu überspringen."),
        "stage_unknown": _l("Bitte wählen Sie eine der Stufen."),
        "before_previous_stage": _l(
            "Dieser Tag liegt vor dem Beginn der bisherigen Stufe. Bitte prüfen Sie das Datum."
        ),
        "already_ended": _l("Diese Patenschaft ist schon beendet."),
        "day_in_future": _l("Bitte kein Tag in der Zukunft. Tragen Sie die Stufe ein, wenn es so weit ist."),
        "sponsorship_exists": _l(
            "Diese Patin oder dieser Pate hat mit dieser Familie schon eine laufende Patenschaft."
        ),
        "other_partner": _l(
            "Diese Person hat ihre Hilfe einem anderen Partner angeboten als dem, zu dem die Familie gehört."
        ),
        "not_yours": _l("Das dürfen nur die Mitarbeitenden des Partners und die Koordinierungsstelle."),
    }
)
