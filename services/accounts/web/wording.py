"""Refusals of the use cases (services/accounts/errors.Refused codes) in words a person can act
on, and the states of a link that no longer works."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REFUSALS = {
    "not_allowed": _l(
        "Diese Einladung dürfen Sie nicht aussprechen: Sie können nur Kolleginnen und Kollegen Ihres eigenen Partners einladen."
    ),
    "unknown_partner": _l("Diesen Partner gibt es nicht. Bitte einen aus der Liste wählen."),
    "email_taken": _l(
        "Mit dieser E-Mail-Adresse gibt es schon ein Konto. Wer sein Passwort vergessen hat, "
        "kann sich über „Passwort vergessen“ selbst einen Link schicken."
    ),
    "username_taken": _l("Diesen Benutzernamen gibt es schon. Bitte einen anderen wählen oder das Feld freilassen."),
}

# why a link cannot be used (services/accounts/domain/links.py), and what to do instead
LINK_STATES = {
    "used": _l("Dieser Link wurde schon benutzt. Jeder Link gilt nur einmal."),
    "expired": _l("Dieser Link ist abgelaufen."),
    "closed": _l("Dieses Konto ist geschlossen."),
    "unknown": _l(
        "Diesen Link kennen wir nicht. Vielleicht wurde er nicht vollständig kopiert, oder ein neuerer Link hat ihn ersetzt."
    ),
}
