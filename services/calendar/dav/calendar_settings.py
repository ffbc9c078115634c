"""Calendar collections a partner manages from its calendar program: the properties it may set
(PROPPATCH, MKCALENDAR; RFC 4918 §9.2, RFC 4791 §5.3.1), all or nothing, and the name of
a new calendar."""

from __future__ import annotations

import re

from icalendar import Calendar
from lxml import etree

from services.calendar.dav.properties import registry
from services.calendar.dav.webdav import CALDAV, DAV, ICAL, DavError, clark, element, href

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,99}\Z")
RESERVED_PREFIXES = ("raum-", "partner-")  # generated names of room and default calendars
COLOR = re.compile(r"#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?\Z")
COMPONENT_CHOICES = ("VEVENT", "VTODO", "VJOURNAL")  # what a calendar may be made to take
MAX_TEXT = 2000


class Refused(Exception):
    """One property that cannot be set: HTTP status, German reason, optional precondition."""

    def __init__(self, status: int, message: str, precondition: tuple[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.precondition = status, message, precondition


def _text(el, limit: int, what: str) -> str:
    value = "".join(el.itertext()).strip() if el is not None else ""
    if len(value) > limit:
        raise Refused(409, f"{what} ist zu lang (höchstens {limit} Zeichen).")
    return value


def _displayname(el, removing):
    value = "" if removing else _text(el, 200, "Der Kalendername")
    if not value:
        raise Refused(409, "Ein Kalender braucht einen Namen.")
    return "displayname", value


def _description(el, removing):
    return "description", "" if removing else _text(el, MAX_TEXT, "Die Beschreibung")


def _color(el, removing):
    if removing:
        return "color", "#00507A"
    value = _text(el, 9, "Die Farbe")
    if not COLOR.match(value):
        raise Refused(409, f"Die Farbe {value!r} ist ungültig (erwartet z. B. #3A7BD5).")
    return "color", value


def _timezone(el, removing):
    if removing:
        return "timezone", None
    value = _text(el, 64 * 1024, "Die Zeitzone")
    try:
        holder = Calendar.from_ical(value)
    except ValueError:
        holder = None
    if holder is None or len([c for c in holder.subcomponents if c.name == "VTIMEZONE"]) != 1:
        raise Refused(
            409, "calendar-timezone braucht ein VCALENDAR mit genau einer VTIMEZONE.", (CALDAV, "valid-calendar-data")
        )
    return "timezone", value


def _order(el, removing):
    if removing:
        return "order", None
    value = _text(el, 12, "Die Reihenfolge")
    if not re.fullmatch(r"-?\d{1,9}", value):
        raise Refused(409, f"calendar-order {value!r} ist keine ganze Zahl.")
    return "order", int(value)


def _components(el, removing):
    """Only at MKCALENDAR (RFC 4791 §5.2.3: fixed afterwards): events, tasks and/or journals."""
    names = [(c.get("name") or "").upper() for c in el] if el is not None else []
    chosen = tuple(n for n in COMPONENT_CHOICES if n in names)
    if removing or not chosen or len(chosen) != len(set(names)):
        raise Refused(
            403,
            "Ein Kalender nimmt Termine (VEVENT), Aufgaben (VTODO) und/oder Journaleinträge (VJOURNAL) auf.",
            (CALDAV, "supported-calendar-component"),
        )
    return "components", chosen


SETTERS = {
    clark(DAV, "displayname"): _displayname,
    clark(CALDAV, "calendar-description"): _description,
    clark(ICAL, "calendar-color"): _color,
    clark(CALDAV, "calendar-timezone"): _timezone,
    clark(ICAL, "calendar-order"): _order,
}


def parse_updates(root, creating: bool) -> list[tuple[str, object, bool]]:
    """(property name, element, removing) in document order from a DAV:propertyupdate, or from
    the DAV:set of a CALDAV:mkcalendar / DAV:mkcol body."""
    if root is None:
        return []
    allowed = {clark(DAV, "propertyupdate")} if not creating else {clark(CALDAV, "mkcalendar"), clark(DAV, "mkcol")}
    if root.tag not in allowed:
        raise DavError(415 if creating else 400, "Der XML-Körper passt nicht zu dieser Anfrage.")
    updates = []
    for instruction in root:
        if instruction.tag not in (clark(DAV, "set"), clark(DAV, "remove")) or (
            creating and instruction.tag != clark(DAV, "set")
        ):
            raise DavError(400, f"Unerwartetes Element {instruction.tag} in der Anfrage.")
        for prop in instruction.findall(clark(DAV, "prop")):
            updates += [(p.tag, p, instruction.tag == clark(DAV, "remove")) for p in prop]
    return updates


def apply(updates, creating: bool) -> tuple[dict[str, object], list[tuple[str, Refused | None]]]:
    """(settings to store, outcome per property). Any refusal means nothing is stored: the
    others then fail with 424 (RFC 4918 §9.2)."""
    settings: dict[str, object] = {}
    outcome: list[tuple[str, Refused | None]] = []
    for name, el, removing in updates:
        try:
            if name == clark(DAV, "resourcetype") and creating:
                if el.find(clark(CALDAV, "calendar")) is None:
                    raise Refused(
                        403, "Im Kalenderordner lassen sich nur Kalender anlegen.", (DAV, "valid-resourcetype")
                    )
                outcome.append((name, None))
                continue
            if name == clark(CALDAV, "supported-calendar-component-set") and creating:
                key, value = _components(el, removing)
                settings[key] = value
                outcome.append((name, None))
                continue
            setter = SETTERS.get(name)
            if setter is None:
                if name in registry.properties:
                    raise Refused(
                        403, "Diese Eigenschaft verwaltet der Server selbst.", (DAV, "cannot-modify-protected-property")
                    )
                raise Refused(403, "Eigene (tote) Eigenschaften werden hier nicht gespeichert.")
            key, value = setter(el, removing)
            settings[key] = value
            outcome.append((name, None))
        except Refused as refusal:
            outcome.append((name, refusal))
    return settings, outcome


def failed(outcome) -> bool:
    return any(refusal is not None for _, refusal in outcome)


REASONS = {200: "OK", 403: "Forbidden", 409: "Conflict", 424: "Failed Dependency"}


def propstat_response(url: str, outcome):
    """The DAV:response of a PROPPATCH (or of a refused MKCALENDAR): 200 for all, or each refused
    property with its status and reason, and the rest with 424 Failed Dependency."""
    response = element(DAV, "response", None, href(url))
    if not failed(outcome):
        response.append(_propstat([n for n, _ in outcome], 200))
        return response
    for name, refusal in outcome:
        if refusal is not None:
            response.append(_propstat([name], refusal.status, refusal.precondition, refusal.message))
    rest = [n for n, refusal in outcome if refusal is None]
    if rest:
        response.append(_propstat(rest, 424, None, "Nicht gespeichert, weil eine andere Eigenschaft abgelehnt wurde."))
    return response


def _propstat(names, status: int, precondition=None, message: str | None = None):
    stat = element(
        DAV,
        "propstat",
        None,
        element(DAV, "prop", None, *[etree.Element(n) for n in names]),
        element(DAV, "status", f"HTTP/1.1 {status} {REASONS[status]}"),
    )
    if precondition is not None:
        stat.append(element(DAV, "error", None, element(*precondition)))
    if message:
        stat.append(element(DAV, "responsedescription", message))
    return stat


def check_slug(slug: str) -> None:
    if not SLUG.match(slug) or slug.lower().startswith(RESERVED_PREFIXES):
        raise DavError(
            403,
            "Dieser Kalendername ist als Adresse nicht möglich (Buchstaben, Ziffern, Punkt, "
            "Binde- und Unterstrich; nicht mit raum- oder partner- beginnend).",
        )
