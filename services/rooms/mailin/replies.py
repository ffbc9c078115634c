"""What the mail-in server answers, German first, English second, in one line.

The sender's mail server puts a refusal into the bounce the organizer reads, in both languages
(the server cannot know the reader's). SMTP replies are ASCII (RFC 5321; aiosmtpd sends nothing
else without SMTPUTF8), so the German is written without umlauts, in words that need none."""

from __future__ import annotations

from services.rooms.mailin.errors import Refused

# code -> (SMTP reply code and enhanced status, German, English)
REPLIES: dict[str, tuple[str, str, str]] = {
    "taken": (
        "250 2.0.0",
        "Einladung angekommen, der Raum antwortet per Mail",
        "Invitation received, the room answers by email",
    ),
    "known": (
        "250 2.0.0",
        "Diese Einladung ist schon bekannt",
        "This invitation is already known",
    ),
    "not_room": ("550 5.1.1", "Unter dieser Adresse gibt es keinen Raum", "There is no room at this address"),
    "room_retired": (
        "550 5.1.1",
        "Dieser Raum wird nicht mehr angeboten",
        "This room is no longer offered",
    ),
    "too_many_rooms": ("452 4.5.3", "Zu viele Raumadressen in einer Mail", "Too many room addresses in one mail"),
    "sender_unclear": ("550 5.7.1", "Der Absender ist nicht erkennbar", "The sender cannot be told"),
    "stranger": (
        "550 5.7.1",
        "Diese Absenderadresse ist bei Treffpunkt nicht als Konto eingetragen",
        "This sender address is not an account at Treffpunkt",
    ),
    "organizer_stranger": (
        "550 5.7.1",
        "Der Organisator der Einladung ist bei Treffpunkt nicht als Konto eingetragen",
        "The invitation's organizer is not an account at Treffpunkt",
    ),
    "ambiguous": (
        "550 5.7.1",
        "Mehrere Konten haben diese Adresse; bitte buchen Sie den Raum im Web",
        "Several accounts have this address; please book the room on the web",
    ),
    "other_partner": (
        "550 5.7.1",
        "Absender und Organisator sind nicht beim selben Partner",
        "Sender and organizer are not with the same partner",
    ),
    "not_yours": (
        "550 5.7.1",
        "Diesen Termin hat ein Konto eines anderen Partners angelegt",
        "This meeting was made by an account of another partner",
    ),
    "no_partner": (
        "550 5.7.1",
        "Das Konto des Organisators ist keinem Partner zugeordnet; nur Partner buchen hier",
        "The organizer's account belongs to no partner; only partners book here",
    ),
    "unsigned": (
        "550 5.7.1",
        "Die Mail kommt nicht vom Mailserver des Netzwerks und hat keine DKIM-Signatur",
        "The mail did not come from the network's mail server and carries no DKIM signature",
    ),
    "dkim": (
        "550 5.7.1",
        "Die DKIM-Signatur fehlt, stimmt nicht oder ist nicht von der Absenderdomain",
        "The DKIM signature is missing, wrong or not of the sender's domain",
    ),
    "no_calendar": (
        "550 5.6.0",
        "In dieser Mail steckt keine Einladung (text/calendar)",
        "This mail carries no invitation (text/calendar)",
    ),
    "unreadable": ("550 5.6.0", "Die Einladung ist nicht lesbar", "The invitation cannot be read"),
    "method": (
        "550 5.6.0",
        "Ein Raum nimmt nur Einladungen und Absagen an (REQUEST, CANCEL)",
        "A room takes only invitations and cancellations (REQUEST, CANCEL)",
    ),
    "no_event": ("550 5.6.0", "In der Einladung steht kein Termin", "The invitation holds no event"),
    "too_many": ("550 5.6.0", "Zu viele Termine in einer Einladung", "Too many events in one invitation"),
    "uid": (
        "550 5.6.0",
        "Die Einladung hat keine eindeutige UID",
        "The invitation has no single UID",
    ),
    "recurrence": (
        "550 5.6.0",
        "Diese Wiederholungsregel kann ein Raum nicht annehmen",
        "A room cannot take this recurrence rule",
    ),
    "no_dates": (
        "550 5.6.0",
        "Die Einladung hat keinen Termin in den kommenden 12 Monaten",
        "The invitation has no date in the coming 12 months",
    ),
    "unavailable": (
        "451 4.3.0",
        "Der Raumkalender ist gerade nicht erreichbar, bitte erneut senden",
        "The room calendar is unavailable right now, please send again",
    ),
}


def reply(code: str) -> str:
    status, german, english = REPLIES[code]
    return f"{status} {german} / {english}"


def refusal(refused: Refused) -> str:
    return reply(refused.code if refused.code in REPLIES else "unreadable")
