"""The words of the partners' and the office's pages: states, buttons, and the refusal codes of
posting, deciding and shift_admin (per field where one code means different things)."""

from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l

from shared.db import as_utc
from shared.local_times import moment

from services.engagement.web import wording

STATES = {
    "draft": _l("Entwurf"),
    "in_review": _l("zur Prüfung bei der Koordinierungsstelle"),
    "published": _l("veröffentlicht"),
    "paused": _l("pausiert"),
    "closed": _l("beendet"),
}
# (from, to) -> the button's words; to alone where the start does not matter
MOVES = {
    ("in_review", "draft", "partner"): _l("Zurücknehmen"),
    ("in_review", "draft", "office"): _l("Zurückgeben"),
    ("paused", "published", ""): _l("Wieder veröffentlichen"),
    ("", "in_review", ""): _l("Zur Prüfung geben"),
    ("", "published", ""): _l("Veröffentlichen"),
    ("", "paused", ""): _l("Pausieren"),
    ("", "closed", ""): _l("Beenden"),
    ("", "draft", ""): _l("Zurück zum Entwurf"),
}
SIGNUP_STATES = {"confirmed": _l("dabei"), "waiting": _l("Warteliste")}

PROBLEMS = {
    "too_short": _l("Bitte etwas ausführlicher: Was tut man, wo, mit wem? (mindestens 20 Zeichen)"),
    "kind_unknown": _l("Bitte wählen Sie, wie oft geholfen wird."),
    "kind_fixed": _l(
        "Das geht nicht mehr: Es gibt schon Termine oder Hilfsangebote dazu. Bitte legen Sie ein neues Angebot an."
    ),
    "district_unknown": _l("Bitte wählen Sie einen Stadtteil aus der Liste."),
    "contact_missing": _l("Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an."),
    "naive_time": _l("Bitte geben Sie Tag und Uhrzeit an."),
    "ends_before_start": _l("Das Ende muss nach dem Beginn liegen."),
    "too_long": _l("Höchstens 12 Stunden."),
    "in_past": _l("Dieser Zeitpunkt liegt in der Vergangenheit."),
    "too_far_ahead": _l("Höchstens zwei Jahre im Voraus."),
    "capacity_below_confirmed": _l(
        "Es sind schon mehr Menschen eingetragen. Bitte melden Sie zuerst jemanden ab (die Person wird benachrichtigt)."
    ),
    "review_required": _l("Neue Angebote prüft erst die Koordinierungsstelle. Bitte geben Sie es zur Prüfung."),
    "office_only": _l("Das kann nur die Koordinierungsstelle."),
    "incomplete": _l("Das Angebot ist noch nicht vollständig. Bitte bearbeiten Sie es zuerst."),
    "closed": _l("Dieses Angebot ist beendet und kann nicht mehr geändert werden."),
    "not_per_shift": _l("Termine mit festen Plätzen gibt es nur bei Angeboten mit einzelnen Terminen."),
    "not_yours": _l("Das dürfen nur die Mitarbeitenden dieses Partners und die Koordinierungsstelle."),
    "not_yours_to_decide": _l("Das dürfen nur die Mitarbeitenden dieses Partners und die Koordinierungsstelle."),
    "not_coordination": _l("Das kann nur die Koordinierungsstelle."),
    "shifts_ahead": _l(
        "Auf kommenden Terminen sind noch Menschen eingetragen. Bitte sagen Sie diese Termine zuerst ab, "
        "dann bekommen alle Bescheid."
    ),
    "already_on_shift": _l("Diese Person ist für diesen Termin schon eingetragen."),
}
# (field, code) -> words, where the general words do not fit
FIELD_PROBLEMS = {
    ("expected_minutes", "out_of_range"): _l(
        "Bitte zwischen 0,25 und 12 Stunden je Termin, oder bis 20 Stunden pro Woche."
    ),
    ("capacity", "out_of_range"): _l("Bitte eine Zahl von 1 bis 200."),
    ("deadline", "out_of_range"): _l("Bitte eine Zahl von 0 bis 336 (zwei Wochen)."),
    ("partner", "unknown"): _l("Bitte wählen Sie einen Partner aus der Liste."),
    ("topics", "missing"): _l("Bitte wählen Sie mindestens ein Thema."),
    ("with_whom", "missing"): _l("Bitte wählen Sie, mit wem man zu tun hat."),
    ("weekdays", "missing"): _l("Bitte wählen Sie Wochentage, oder „Zeiten nach Absprache“."),
    ("note", "missing"): _l("Bitte schreiben Sie dem Partner, was er ändern soll."),
}


def problem(code: str, field: str | None = None) -> str:
    found = FIELD_PROBLEMS.get((field or "", code)) or PROBLEMS.get(code)
    return str(found) if found is not None else wording.problem(code)


def move_label(state: str, target: str, actor: str) -> str:
    for key in ((state, target, actor), (state, target, ""), ("", target, "")):
        if key in MOVES:
            return str(MOVES[key])
    return target


def moment_of(at) -> str:
    """A stored moment as people in Jena read it ("Di. 08.12.2026, 14:30 Uhr")."""
    locale = get_locale()
    return moment(as_utc(at), "en" if locale and locale.language == "en" else "de")


def init_app(app) -> None:
    app.jinja_env.globals.update(
        engagement_moment=moment_of,
        engagement_partner_words={"states": STATES, "signup_states": SIGNUP_STATES},
        engagement_move_label=move_label,
    )
