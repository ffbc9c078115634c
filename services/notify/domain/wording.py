"""The words of a booking notice, German first: subjects and first paragraphs per side
(booker: who asked for it; owner: staff of the room's partner) and topic (the kind, or
"approved_partly" for an approval that left out some dates), and the labels around them.

One word family for approval: Freigabe / freigeben / freigegeben ("bestätigt" is a booking that
needed no approval). Placeholders: {title}, {room}, {by} (" von Lena Beispiel (AWO Nord)" or
nothing) and {owner} (the room's partner)."""

from __future__ import annotations

SUBJECTS: dict[str, dict[str, dict[str, str]]] = {
    "de": {
        "booker": {
            "requested": "Buchungsanfrage",
            "approved": "Anfrage freigegeben",
            "approved_partly": "Anfrage teilweise freigegeben",
            "declined": "Anfrage abgelehnt",
            "confirmed": "Buchung bestätigt",
            "changed": "Buchung geändert",
            "cancelled": "Buchung abgesagt",
            "reminder": "Erinnerung",
        },
        "owner": {
            "requested": "Anfrage zur Freigabe",
            "approved": "Buchung in Ihrem Raum freigegeben",
            "approved_partly": "Anfrage für Ihren Raum teilweise freigegeben",
            "declined": "Anfrage für Ihren Raum abgelehnt",
            "confirmed": "Neue Buchung in Ihrem Raum",
            "changed": "Buchung in Ihrem Raum geändert",
            "cancelled": "Buchung in Ihrem Raum abgesagt",
            "reminder": "Erinnerung",
        },
    },
    "en": {
        "booker": {
            "requested": "Booking request",
            "approved": "Request approved",
            "approved_partly": "Request partly approved",
            "declined": "Request declined",
            "confirmed": "Booking confirmed",
            "changed": "Booking changed",
            "cancelled": "Booking cancelled",
            "reminder": "Reminder",
        },
        "owner": {
            "requested": "Request to approve",
            "approved": "Booking of your room approved",
            "approved_partly": "Request for your room partly approved",
            "declined": "Request for your room declined",
            "confirmed": "New booking of your room",
            "changed": "Booking of your room changed",
            "cancelled": "Booking of your room cancelled",
            "reminder": "Reminder",
        },
    },
}

INTROS: dict[str, dict[str, dict[str, str]]] = {
    "de": {
        "booker": {
            "requested": "Ihre Anfrage „{title}“ für den Raum {room} ist eingegangen. "
            "Der Raum ist erst für Sie gebucht, wenn {owner} die Anfrage freigibt.",
            "approved": "Ihre Anfrage „{title}“ für den Raum {room} wurde freigegeben. Der Raum ist für Sie gebucht.",
            "approved_partly": "Ihre Anfrage „{title}“ für den Raum {room} wurde teilweise freigegeben. "
            "Gebucht sind nur die freigegebenen Termine.",
            "declined": "Ihre Anfrage „{title}“ für den Raum {room} wurde leider abgelehnt.",
            "confirmed": "Ihre Buchung „{title}“ im Raum {room} ist bestätigt.",
            "changed": "Ihre Buchung „{title}“ im Raum {room} wurde geändert.",
            "cancelled": "Ihre Buchung „{title}“ im Raum {room} wurde abgesagt.",
            "reminder": "zur Erinnerung: Ihre Buchung „{title}“ im Raum {room} steht bevor.",
        },
        "owner": {
            "requested": "es gibt eine neue Anfrage für Ihren Raum {room}: „{title}“{by}. "
            "Der Raum ist erst gebucht, wenn Sie die Anfrage freigeben. "
            "Sie können alle Termine freigeben oder nur einzelne.",
            "approved": "die Buchung „{title}“{by} in Ihrem Raum {room} wurde freigegeben.",
            "approved_partly": "die Anfrage „{title}“{by} für Ihren Raum {room} wurde teilweise freigegeben.",
            "declined": "die Anfrage „{title}“{by} für Ihren Raum {room} wurde abgelehnt.",
            "confirmed": "in Ihrem Raum {room} gibt es eine neue Buchung: „{title}“{by}.",
            "changed": "die Buchung „{title}“{by} in Ihrem Raum {room} wurde geändert.",
            "cancelled": "die Buchung „{title}“{by} in Ihrem Raum {room} wurde abgesagt. "
            "Der Raum ist zu diesen Terminen wieder frei.",
            "reminder": "zur Erinnerung: die Buchung „{title}“{by} in Ihrem Raum {room} steht bevor.",
        },
    },
    "en": {
        "booker": {
            "requested": "Your request “{title}” for room {room} has arrived. "
            "The room is booked for you only once {owner} approves the request.",
            "approved": "Your request “{title}” for room {room} was approved. The room is booked for you.",
            "approved_partly": "Your request “{title}” for room {room} was partly approved. "
            "Only the approved dates are booked.",
            "declined": "Your request “{title}” for room {room} was declined.",
            "confirmed": "Your booking “{title}” of room {room} is confirmed.",
            "changed": "Your booking “{title}” of room {room} was changed.",
            "cancelled": "Your booking “{title}” of room {room} was cancelled.",
            "reminder": "A reminder: your booking “{title}” of room {room} is coming up.",
        },
        "owner": {
            "requested": "There is a new request for your room {room}: “{title}”{by}. "
            "The room is booked only once you approve the request. "
            "You can approve all dates or only some of them.",
            "approved": "The booking “{title}”{by} of your room {room} was approved.",
            "approved_partly": "The request “{title}”{by} for your room {room} was partly approved.",
            "declined": "The request “{title}”{by} for your room {room} was declined.",
            "confirmed": "There is a new booking of your room {room}: “{title}”{by}.",
            "changed": "The booking “{title}”{by} of your room {room} was changed.",
            "cancelled": "The booking “{title}”{by} of your room {room} was cancelled. "
            "The room is free again at these times.",
            "reminder": "A reminder: the booking “{title}”{by} of your room {room} is coming up.",
        },
    },
}

# headings of the lists of dates: (one date, several dates)
HEADINGS: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "dates": ("Termin", "Termine"),
        "requested_dates": ("Angefragter Termin", "Angefragte Termine"),
        "approved_dates": ("Freigegeben", "Freigegeben"),
        "declined_dates": ("Abgelehnt", "Abgelehnt"),
        "pending_dates": ("Wartet auf Freigabe", "Warten auf Freigabe"),
        "changes": ("Was sich ändert", "Was sich ändert"),
        "booked_dates": ("Gebuchter Termin", "Gebuchte Termine"),
    },
    "en": {
        "dates": ("Date", "Dates"),
        "requested_dates": ("Requested date", "Requested dates"),
        "approved_dates": ("Approved", "Approved"),
        "declined_dates": ("Declined", "Declined"),
        "pending_dates": ("Awaiting approval", "Awaiting approval"),
        "changes": ("What changes", "What changes"),
        "booked_dates": ("Booked date", "Booked dates"),
    },
}

# "und 1 weiterer Termin" / "und 3 weitere Termine": (one, several), see counted()
COUNTED: dict[str, dict[str, tuple[str, str]]] = {
    "de": {
        "more": ("und 1 weiterer Termin", "und {n} weitere Termine"),
        "sms_more": ("(+1 weiterer)", "(+{n} weitere)"),
    },
    "en": {"more": ("and 1 more date", "and {n} more dates"), "sms_more": ("(+1 more)", "(+{n} more)")},
}

WORDS: dict[str, dict[str, str]] = {
    "de": {
        "hello": "Hallo {name},",
        "room": "Raum",
        "address": "Adresse",
        "partner": "Anbieter",
        "the_owner": "der Anbieter des Raums",
        "by": " von {who}",
        "asked_by": "Angefragt von",
        "booked_by": "Gebucht von",
        "booker_partner": "Partner",
        "email": "E-Mail",
        "phone": "Telefon",
        "what_for": "Wofür",
        "reason": "Grund",
        "comment": "Anmerkung",
        "cancelled": "fällt aus",
        "declined": "abgelehnt",
        "pending": "wartet auf Freigabe",
        "details": "Details",
        "decide": "Anfrage ansehen und entscheiden",
        "invite": "Die Kalendereinladung im Anhang übernimmt den Termin in Outlook, Thunderbird oder Apple Kalender.",
        "cancel_invite": "Die Nachricht im Anhang entfernt den Termin aus Ihrem Kalender.",
        "invite_later": "Eine Kalendereinladung bekommen Sie mit der Freigabe.",
        "signature": "Treffpunkt Generationen Jena",
        "cancel_date": "Sie können nicht? Diesen Termin absagen",
        "preferences": "Benachrichtigungen einstellen",
    },
    "en": {
        "hello": "Hello {name},",
        "room": "Room",
        "address": "Address",
        "partner": "Provider",
        "the_owner": "the room's provider",
        "by": " by {who}",
        "asked_by": "Requested by",
        "booked_by": "Booked by",
        "booker_partner": "Partner",
        "email": "Email",
        "phone": "Phone",
        "what_for": "Purpose",
        "reason": "Reason",
        "comment": "Note",
        "cancelled": "cancelled",
        "declined": "declined",
        "pending": "awaiting approval",
        "details": "Details",
        "decide": "View the request and decide",
        "invite": "The attached invitation adds this to Outlook, Thunderbird or Apple Calendar.",
        "cancel_invite": "The attached message removes this from your calendar.",
        "invite_later": "You will get a calendar invitation with the approval.",
        "signature": "Treffpunkt Generationen Jena",
        "cancel_date": "Cannot come? Cancel this date",
        "preferences": "Notification settings",
    },
}


def counted(pair: tuple[str, str], n: int) -> str:
    """ "und 1 weiterer Termin" / "und 3 weitere Termine": the form for `n`, filled in."""
    return (pair[0] if n == 1 else pair[1]).format(n=n)
