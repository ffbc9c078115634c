"""A free/busy request POSTed to a schedule outbox (RFC 6638 §5.1, RFC 5546 §3.3.2): what it
asks (whose busy time, from when to when) read from the iCalendar text clients send, bounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from icalendar import Calendar, Component

from services.calendar.domain.calendar_data import LOCAL

MAX_WINDOW = timedelta(days=366)  # Thunderbird asks for weeks; a year is more than any client shows
MAX_RECIPIENTS = 50
MAX_BYTES = 64 * 1024


class InvalidRequest(ValueError):
    """The request cannot be answered; `precondition` names RFC 6638's CALDAV element."""

    def __init__(self, message: str, precondition: str = "valid-scheduling-message"):
        super().__init__(message)
        self.precondition = precondition


@dataclass(frozen=True)
class FreeBusyRequest:
    uid: str
    organizer: str
    attendees: tuple[str, ...]  # calendar addresses as written, without duplicates
    start: datetime  # UTC
    end: datetime


def parse(data: bytes, recipient_header: str = "") -> FreeBusyRequest:
    """The request in `data`; the Recipient header (older clients) names attendees when the
    VFREEBUSY lists none. Raises InvalidRequest with a German message."""
    if len(data) > MAX_BYTES:
        raise InvalidRequest("Die Frei/Belegt-Anfrage ist zu groß.")
    try:
        calendar = Calendar.from_ical(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"Kein gültiges iCalendar: {printable(str(exc))}", "valid-calendar-data") from None
    if str(calendar.get("METHOD", "")).upper() != "REQUEST":
        raise InvalidRequest("Erwartet wird METHOD:REQUEST.")
    found = [c for c in calendar.subcomponents if c.name == "VFREEBUSY"]
    if len(found) != 1 or len(calendar.subcomponents) != len(found):
        raise InvalidRequest("Erwartet wird genau eine VFREEBUSY-Komponente (und sonst keine).")
    busy = found[0]
    start, end = _moment(busy, "DTSTART"), _moment(busy, "DTEND")
    if end <= start:
        raise InvalidRequest("DTEND muss nach DTSTART liegen.")
    if end - start > MAX_WINDOW:
        raise InvalidRequest(f"Frei/Belegt-Zeiten gibt es für höchstens {MAX_WINDOW.days} Tage auf einmal.")
    attendees = _addresses(busy.get("ATTENDEE")) or [a.strip() for a in recipient_header.split(",") if a.strip()]
    attendees = list(dict.fromkeys(attendees))
    if not attendees:
        raise InvalidRequest("Die Anfrage nennt keinen Teilnehmer (ATTENDEE).")
    if len(attendees) > MAX_RECIPIENTS:
        raise InvalidRequest(f"Höchstens {MAX_RECIPIENTS} Teilnehmer je Anfrage.")
    organizer = str(busy.get("ORGANIZER", "")).strip()
    if not organizer:
        raise InvalidRequest("Die Anfrage nennt keinen Organisator (ORGANIZER).")
    uid = str(busy.get("UID", "")).strip()
    if any(printable(value) != value for value in (uid, organizer, *attendees)):
        raise InvalidRequest("UID, ORGANIZER und ATTENDEE dürfen keine Steuerzeichen enthalten.")
    return FreeBusyRequest(uid, organizer, tuple(attendees), start, end)


def printable(text: str) -> str:
    """`text` without control characters (and what XML cannot carry): the answer repeats addresses."""
    return "".join(ch for ch in text if ch >= " " and ch not in "\x7f\ufffe\uffff" and not "\ud800" <= ch <= "\udfff")


def _addresses(value: object) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if str(v).strip()]


def _moment(component: Component, name: str) -> datetime:
    """A bound in UTC: floating times and dates are the network's local time."""
    prop = component.get(name)
    if prop is None:
        raise InvalidRequest(f"Die Anfrage braucht {name}.")
    value = prop.dt
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            raise InvalidRequest(f"{name} muss ein Datum mit Uhrzeit sein.")
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL)
    return value.astimezone(timezone.utc)


def is_own(address: str, own: list[str]) -> bool:
    """Whether a calendar address is one of the user's (mailto: addresses ignore case)."""
    return address.strip().lower() in {a.lower() for a in own}
