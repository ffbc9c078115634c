"""Words for the data protection pages: the services, the sections of an export and their
fields (the readable page shows the JSON's names in the reader's language), and refusals."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SERVICES = {
    "accounts": _l("Konto und Anmeldungen"),
    "rooms": _l("Raumbörse"),
    "notify": _l("Benachrichtigungen"),
    "calendar": _l("Kalender"),
}

SECTIONS = {
    "account": _l("Ihr Konto"),
    "sessions": _l("Anmeldungen"),
    "app_passwords": _l("App-Passwörter"),
    "links": _l("Per E-Mail geschickte Links"),
    "second_factor": _l("Zwei-Faktor-Anmeldung"),
    "data_requests": _l("Auskünfte und Löschungen"),
    "bookings": _l("Ihre Buchungen"),
    "audit": _l("Was Sie in der Raumbörse getan haben"),
    "deliveries": _l("Nachrichten an Sie"),
    "preferences": _l("Ihre Benachrichtigungs-Einstellungen"),
    "reminders": _l("Geplante Erinnerungen"),
    "offering_rooms": _l("Räume, die Sie für Angebote angefragt haben"),
    "room_invitations": _l("Räume, die Sie zu Terminen eingeladen haben"),
    "schedule_inbox": _l("Antworten der Räume in Ihrem Posteingang (CalDAV)"),
    "mailed_invitations": _l("Einladungen an Räume per E-Mail"),
    "invited_people": _l("Personen, die Sie zu Terminen eingeladen haben"),
    "calendar_sources": _l("Kalender von anderswo, die Sie eingerichtet haben"),
}

FIELDS = {
    "username": _l("Benutzername"),
    "name": _l("Name"),
    "email": _l("E-Mail"),
    "phone": _l("Telefon"),
    "language": _l("Sprache"),
    "role": _l("Rolle"),
    "partner": _l("Partner"),
    "active": _l("Offen"),
    "created_at": _l("Angelegt"),
    "updated_at": _l("Geändert"),
    "user_agent": _l("Browser"),
    "seen_at": _l("Zuletzt aktiv"),
    "label": _l("Bezeichnung"),
    "last_used_at": _l("Zuletzt benutzt"),
    "purpose": _l("Zweck"),
    "expires_at": _l("Gültig bis"),
    "used_at": _l("Benutzt"),
    "enabled_at": _l("Eingeschaltet"),
    "kind": _l("Art"),
    "asked_at": _l("Angefragt"),
    "done_at": _l("Erledigt"),
    "booking_id": _l("Buchung"),
    "room": _l("Raum"),
    "room_id": _l("Raum-Nummer"),
    "title": _l("Titel"),
    "status": _l("Stand"),
    "state": _l("Stand"),
    "description": _l("Worum geht es?"),
    "comment": _l("Kommentar des Hauses"),
    "dates": _l("Termine"),
    "dates_total": _l("Termine insgesamt"),
    "starts_at": _l("Beginn"),
    "ends_at": _l("Ende"),
    "reason": _l("Grund"),
    "at": _l("Zeitpunkt"),
    "action": _l("Aktion"),
    "details": _l("Einzelheiten"),
    "channel": _l("Weg"),
    "recipient": _l("Empfänger"),
    "subject": _l("Betreff"),
    "text": _l("Text"),
    "sent_at": _l("Gesendet"),
    "choices": _l("Auswahl"),
    "reminder_minutes": _l("Erinnerung (Minuten vorher)"),
    "offering": _l("Angebot"),
    "url": _l("Adresse"),
}

REFUSALS = {
    "not_allowed": _l("Das darf nur die Koordinierungsstelle."),
    "unknown_account": _l("Dieses Konto gibt es nicht (mehr)."),
    "own_account": _l(
        "Das eigene Konto kann man nicht löschen. Bitten Sie eine andere Person der Koordinierungsstelle."
    ),
    "last_coordinator": _l(
        "Dies ist das letzte offene Konto der Koordinierungsstelle. Laden Sie zuerst eine weitere Person "
        "in die Koordinierungsstelle ein; sonst kann niemand mehr das Netzwerk verwalten."
    ),
}
