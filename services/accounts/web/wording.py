"""Refusals of the use cases (services/accounts/errors.Refused codes) in words a person can act
on, and the states of a link that no longer works."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REFUSALS = {
    "no_second_factor": _l("Dieses Konto hat keine Zwei-Faktor-Anmeldung (mehr)."),
    "not_allowed": _l(
        "Diese Einladung dürfen Sie nicht aussprechen: Sie können nur Kolleginnen und Kollegen Ihres eigenen Partners einladen."
    ),
    "unknown_partner": _l("Diesen Partner gibt es nicht. Bitte einen aus der Liste wählen."),
    "email_taken": _l(
        "Mit dieser E-Mail-Adresse gibt es schon ein Konto. Wer sein Passwort vergessen hat, "
        "kann sich über „Passwort vergessen“ selbst einen Link schicken."
    ),
    "username_taken": _l("Diesen Benutzernamen gibt es schon. Bitte einen anderen wählen oder das Feld freilassen."),
    "partner_inactive": _l("Dieser Partner ist deaktiviert. Bitte einen aktiven Partner wählen."),
    "unknown_account": _l("Dieses Konto gibt es nicht."),
    "staff_need_partner": _l("Mitarbeitende eines Partners brauchen einen Partner. Bitte einen wählen."),
    "own_role": _l(
        "Ihre eigene Rolle können Sie hier nicht ändern. Das muss eine andere Person der Koordinierungsstelle tun."
    ),
    "own_account": _l(
        "Ihr eigenes Konto können Sie nicht deaktivieren. Das muss eine andere Person der Koordinierungsstelle tun."
    ),
    "last_coordinator": _l(
        "Das ist das letzte aktive Konto der Koordinierungsstelle. Laden Sie zuerst eine weitere Person "
        "als Koordinierungsstelle ein, sonst kann niemand mehr das Netzwerk verwalten."
    ),
    "last_coordinator_partner": _l(
        "Zu diesem Partner gehört das letzte aktive Konto der Koordinierungsstelle. Deaktiviert, könnte sich "
        "niemand mehr als Koordinierungsstelle anmelden. Laden Sie zuerst eine Person bei einem anderen Partner ein."
    ),
    "account_closed": _l("Dieses Konto ist deaktiviert. Bitte zuerst wieder aktivieren."),
    "no_email": _l("Dieses Konto hat keine E-Mail-Adresse. Ein Link kann nur per E-Mail verschickt werden."),
    "not_set_up": _l("Diese Person hat noch kein Passwort gewählt. Bitte stattdessen die Einladung erneut senden."),
    "already_set_up": _l("Diese Person hat ihr Passwort schon gewählt. Eine Einladung braucht sie nicht mehr."),
    "slug_taken": _l("Diesen Kurznamen hat schon ein anderer Partner. Bitte einen anderen wählen."),
    # the shared vocabulary (services/accounts/admin/vocabulary.py, shared/identity/vocabulary.py)
    "unknown_kind": _l("Bitte eine Liste aus der Auswahl wählen."),
    "unknown_term": _l("Diesen Begriff gibt es nicht."),
    "term_taken": _l(
        "Diesen Begriff gibt es in dieser Liste schon (vielleicht ausgeblendet, dann unten wieder einblenden). "
        "Bitte einen anderen wählen."
    ),
    "term_fixed": _l("Dieser Begriff kann nicht ausgeblendet werden: das Programm braucht ihn für eine Regel."),
    "key_empty": _l("Bitte mindestens einen Buchstaben oder eine Ziffer verwenden."),
    "key_too_long": _l("Der Begriff ist zu lang für einen Schlüssel (höchstens 40 Zeichen). Bitte kürzer fassen."),
    "key_characters": _l(
        "Bitte nur Buchstaben, Ziffern, Leerzeichen und . : ' & + ( ) - verwenden, kein Komma, Semikolon oder Schrägstrich."
    ),
}

# the lists of the shared vocabulary, and why a term cannot be retired (vocabulary.FIXED)
KINDS = {
    "category": _l("Kategorien von Angeboten (Was)"),
    "audience": _l("Zielgruppen von Angeboten (Für wen)"),
    "accessibility": _l("Barrierefreiheit von Angeboten"),
    "equipment": _l("Ausstattung von Räumen"),
}
FIXED_REASONS = {
    "for_everyone": _l("Regel: ein Angebot für alle erscheint unter jeder Zielgruppe."),
    "schema_org": _l("Regel: wird Suchmaschinen als Merkmal des Ortes gemeldet."),
}

PICTURE_REFUSALS = {  # shared/images.ImageRefused codes
    "too_large": _l("Das Bild ist zu groß (höchstens 8 MB). Bitte wählen Sie ein kleineres."),
    "not_an_image": _l("Das ist kein Bild, das wir lesen können. Bitte ein Foto als JPEG, PNG, WebP oder GIF."),
    "too_many_pixels": _l("Das Bild hat zu viele Bildpunkte. Bitte verkleinern Sie es vorher."),
}

# the audit log's entries (shared/identity/audit.py)
ACTIONS = {
    "invited": _l("eingeladen"),
    "invitation_resent": _l("Einladung erneut gesendet"),
    "password_chosen": _l("Passwort über die Einladung gewählt"),
    "password_reset": _l("Passwort über einen Link neu gesetzt"),
    "password_changed": _l("eigenes Passwort geändert"),
    "contact_changed": _l("Kontaktangaben geändert"),
    "reset_sent": _l("Link zum Zurücksetzen gesendet"),
    "account_changed": _l("Rolle oder Partner geändert"),
    "account_created": _l("Konto angelegt"),
    "password_set": _l("Passwort neu gesetzt"),
    "app_password_created": _l("App-Passwort angelegt"),
    "account_deactivated": _l("Konto deaktiviert"),
    "account_reactivated": _l("Konto wieder aktiviert"),
    "partner_created": _l("Partner angelegt"),
    "partner_changed": _l("Partner geändert"),
    "partner_deactivated": _l("Partner deaktiviert"),
    "partner_reactivated": _l("Partner wieder aktiviert"),
    "data_export_asked": _l("Datenauskunft angefordert"),
    "account_erased": _l("Konto gelöscht (anonymisiert)"),
    "second_factor_removed": _l("Zwei-Faktor-Anmeldung entfernt"),
    "term_added": _l("Begriff hinzugefügt"),
    "term_changed": _l("Begriff umbenannt"),
    "term_moved": _l("Begriff verschoben"),
    "term_retired": _l("Begriff ausgeblendet"),
    "term_reactivated": _l("Begriff wieder eingeblendet"),
}
FIELDS = {
    "role": _l("Rolle"),
    "partner": _l("Partner"),
    "active": _l("aktiv"),
    "email": _l("E-Mail-Adresse"),
    "phone": _l("Telefon"),
    "slug": _l("Kurzname"),
    "name": _l("Name"),
    "district": _l("Stadtteil"),
    "address": _l("Adresse"),
    "contact_email": _l("E-Mail-Adresse für Anfragen"),
    "contact_phone": _l("Telefon"),
    "logo": _l("Logo"),
    "kind": _l("Liste"),
    "key": _l("Schlüssel"),
    "label_de": _l("Deutsch"),
    "label_en": _l("Englisch"),
    "position": _l("Stelle"),
    "label": _l("Bezeichnung"),
}
ROLES = {"coordination": _l("Koordinierungsstelle"), "staff": _l("Mitarbeiterin oder Mitarbeiter des Partners")}
STATES = {
    "active": _l("aktiv"),
    "deactivated": _l("deaktiviert"),
    "invited": _l("eingeladen, noch nicht eingerichtet"),
    "invitation_expired": _l("Einladung abgelaufen"),
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
