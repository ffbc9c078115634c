"""Rooms as principals (RFC 6638 calendar-user-type ROOM) and how clients find them:
DAV:principal-property-search and DAV:principal-search-property-set (RFC 3744 §9.4, §9.5), as
the caldav library and Thunderbird send them, and Apple's calendarserver-principal-search.

The properties of the other resources stay where they are (properties.py, caldav.py); this
module adds the room principal's answer in front of them (`extend`). Searches see the rooms
and the searcher's own principal: other accounts are no principals here (their staff's names
are not the business of every account)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response

from services.calendar.dav import caldav  # noqa: F401 - its properties are registered before they are extended here
from services.calendar.dav.properties import registry
from services.calendar.dav.resources import Context, Resource, room_principal_url
from services.calendar.dav.webdav import (
    CALDAV,
    CS,
    DAV,
    DavError,
    Property,
    clark,
    element,
    href,
    multistatus,
    propstat_response,
    serialize,
    status_response,
    xml_response,
)
from services.calendar.domain import room_principals
from services.calendar.domain.room_principals import Room

TREFFPUNKT = "http://treffpunkt-jena.de/ns/"
MAX_RESULTS = 50  # a search answers at most this many principals (and says when there were more)
ROOM = "room-principal"


def extend(ns: str, name: str, kinds: dict[str, Callable]) -> None:
    """Answer property `ns:name` for the resource kinds in `kinds`, the registered getter for the rest."""
    key = clark(ns, name)
    earlier = registry.properties.get(key)
    fallback = earlier.get if earlier is not None else (lambda r, ctx: None)

    def get(r: Resource, ctx: Context):
        answer = kinds.get(r.kind)
        return answer(r, ctx) if answer is not None else fallback(r, ctx)

    registry.properties[key] = Property(key, get, earlier.in_allprop if earlier is not None else False)


def _room(r: Resource) -> Room:
    assert r.room is not None  # resources.room_principal gives every room principal its room
    return r.room


def room_address(r: Resource, ctx: Context) -> str:
    return room_principals.address(_room(r).room_id, ctx.room_mail_domain)


def own_addresses(ctx: Context) -> list[str]:
    """The user's calendar addresses: the email, or without one the principal's URL (RFC 6638
    §2.4.1), so that an account without email can still ask for free/busy."""
    return [f"mailto:{ctx.principal.email}"] if ctx.principal.email else [ctx.principal_url]


extend(
    DAV,
    "resourcetype",
    {
        ROOM: lambda r, ctx: [element(DAV, "collection"), element(DAV, "principal")],
        "outbox": lambda r, ctx: [element(DAV, "collection"), element(CALDAV, "schedule-outbox")],
    },
)
extend(DAV, "displayname", {ROOM: lambda r, ctx: _room(r).name, "outbox": lambda r, ctx: "Postausgang"})
extend(DAV, "principal-URL", {ROOM: lambda r, ctx: [href(r.url)]})
extend(DAV, "owner", {ROOM: lambda r, ctx: None, "outbox": lambda r, ctx: [href(ctx.principal_url)]})
# a room's principal is its own calendar home: its one member is the room's calendar
extend(CALDAV, "calendar-home-set", {ROOM: lambda r, ctx: [href(r.url)]})
extend(
    CALDAV,
    "calendar-user-address-set",
    {
        ROOM: lambda r, ctx: [href(room_address(r, ctx))],
        "principal": lambda r, ctx: [href(a) for a in own_addresses(ctx)],
    },
)
# RFC 6638 §2.4.2
extend(CALDAV, "calendar-user-type", {ROOM: lambda r, ctx: "ROOM", "principal": lambda r, ctx: "INDIVIDUAL"})
# RFC 6638 §2.2: where the user POSTs free/busy requests (the room has no outbox: it asks nobody)
extend(CALDAV, "schedule-outbox-URL", {"principal": lambda r, ctx: [href(ctx.outbox_url)]})
# Apple's address property, searched by Calendar.app's location and attendee completion
extend(
    CS,
    "email-address-set",
    {
        ROOM: lambda r, ctx: [element(CS, "email-address", room_address(r, ctx).removeprefix("mailto:"))],
        "principal": lambda r, ctx: [element(CS, "email-address", ctx.principal.email)] if ctx.principal.email else [],
    },
)
# What no standard property carries: a line for people (district, capacity, place), and the
# two facts apart for programs. Clients show the display name and address; the details are
# also in the room calendar's own description.
extend(TREFFPUNKT, "room-description", {ROOM: lambda r, ctx: room_principals.description(_room(r))})
extend(TREFFPUNKT, "capacity", {ROOM: lambda r, ctx: str(_room(r).capacity) if _room(r).capacity else None})
extend(TREFFPUNKT, "district", {ROOM: lambda r, ctx: _room(r).district or None})


def _privileges(*privileges: tuple[str, str]):
    return [element(DAV, "privilege", None, element(ns, n)) for ns, n in privileges]


READ = ((DAV, "read"), (DAV, "read-current-user-privilege-set"))
# RFC 6638 §6.1: the outbox lets its owner ask for free/busy (invitations come with implicit scheduling)
extend(
    DAV,
    "current-user-privilege-set",
    {"outbox": lambda r, ctx: _privileges(*READ, (CALDAV, "schedule-send-freebusy"))},
)
PRINCIPAL_REPORTS = ((DAV, "principal-property-search"), (DAV, "principal-search-property-set"))
extend(
    DAV,
    "supported-report-set",
    {
        kind: lambda r, ctx: [
            element(DAV, "supported-report", None, element(DAV, "report", None, element(ns, name)))
            for ns, name in PRINCIPAL_REPORTS
        ]
        for kind in ("root", "principals", "principal", ROOM)
    },
)


# --- searching ---------------------------------------------------------------------------------
def _searchable(r: Resource, ctx: Context) -> dict[str, list[str]]:
    """The values a search compares, by property (Clark name)."""
    if r.kind == ROOM:
        name, cutype, addresses = _room(r).name, "ROOM", [room_address(r, ctx)]
    else:
        name, cutype, addresses = ctx.principal.display_name, "INDIVIDUAL", own_addresses(ctx)
    return {
        clark(DAV, "displayname"): [name],
        clark(CALDAV, "calendar-user-address-set"): addresses,
        clark(CS, "email-address-set"): [a.removeprefix("mailto:") for a in addresses if a.startswith("mailto:")],
        clark(CALDAV, "calendar-user-type"): [cutype],
    }


SEARCHABLE = {  # what principal-search-property-set offers, with a description for people
    clark(DAV, "displayname"): "Name",
    clark(CALDAV, "calendar-user-address-set"): "Kalenderadresse (mailto:)",
    clark(CS, "email-address-set"): "E-Mail-Adresse",
    clark(CALDAV, "calendar-user-type"): "Art (INDIVIDUAL oder ROOM)",
}


def _candidates(ctx: Context, context: str = "") -> list[Resource]:
    """The principals a search looks at: the searcher's own and every bookable room."""
    found = [] if context in ("location", "resource") else [Resource("principal", ctx.principal_url)]
    if context not in ("user", "users") and ctx.rooms is not None:
        found += [Resource(ROOM, room_principal_url(room.room_id), room=room) for room in ctx.rooms.rooms()]
    return found


Test = tuple[list[str], str, str]  # property names, the text to match, match-type


def _matches(values: dict[str, list[str]], tests: list[Test], any_of: bool) -> bool:
    results = (
        any(room_principals.matches(v, text, kind) for name in names for v in values.get(name, []))
        for names, text, kind in tests
    )
    return any(results) if any_of else all(results)


def _answer(ctx: Context, request_url: str, found: list[Resource], names: list[str], limit: int) -> Response:
    responses = [propstat_response(r.url, registry, r, ctx, "prop", names) for r in found[:limit]]
    if len(found) > limit:  # RFC 3744 §9.4: say that the answer was cut short
        responses.append(status_response(request_url, "HTTP/1.1 507 Insufficient Storage"))
    return xml_response(multistatus(responses))


STRUCTURE = {clark(DAV, n) for n in ("prop", "property-search", "apply-to-principal-collection-set")} | {
    clark(CS, n) for n in ("search-token", "limit")
}


def _wanted(root) -> list[str]:
    """The properties to answer. The caldav library (3.x) writes them beside an empty DAV:prop
    instead of inside it: those are read as asked for too."""
    prop = root.find(clark(DAV, "prop"))
    names = [p.tag for p in prop] if prop is not None else []
    names += [p.tag for p in root if p.tag not in STRUCTURE and isinstance(p.tag, str)]
    return names or [clark(DAV, "displayname")]


def property_search(ctx: Context, resource: Resource, root) -> Response:
    """RFC 3744 §9.4. Without any property-search (the caldav library's "all principals") every
    candidate matches, up to the limit."""
    tests: list[Test] = []
    for search in root.findall(clark(DAV, "property-search")):
        prop, match = search.find(clark(DAV, "prop")), search.find(clark(DAV, "match"))
        if prop is None or match is None or len(prop) == 0:
            raise DavError(400, "property-search braucht prop und match.")
        tests.append(([p.tag for p in prop], match.text or "", match.get("match-type", "contains")))
    any_of = root.get("test", "allof") == "anyof"
    found = [r for r in _candidates(ctx) if _matches(_searchable(r, ctx), tests, any_of)]
    return _answer(ctx, resource.url, found, _wanted(root), MAX_RESULTS)


def calendarserver_search(ctx: Context, resource: Resource, root) -> Response:
    """Apple's calendarserver-principal-search: every token in the name or an address;
    context "location" or "resource" asks for rooms, "user" for people."""
    tokens = [t.text or "" for t in root.findall(clark(CS, "search-token"))]
    tests: list[Test] = [(list(SEARCHABLE)[:3], token, "contains") for token in tokens if token.strip()]
    limit = MAX_RESULTS
    wanted = root.findtext(f"{clark(CS, 'limit')}/{clark(CS, 'nresults')}")
    if wanted and wanted.strip().isdigit():
        limit = max(1, min(int(wanted), MAX_RESULTS))
    found = [r for r in _candidates(ctx, root.get("context", "")) if _matches(_searchable(r, ctx), tests, False)]
    return _answer(ctx, resource.url, found, _wanted(root), limit)


def search_property_set(ctx: Context, resource: Resource, root) -> Response:
    """RFC 3744 §9.5: the properties property-search understands."""
    answer = element(DAV, "principal-search-property-set")
    for name, words in SEARCHABLE.items():
        ns, local = name[1:].split("}", 1)
        description = element(DAV, "description", words)
        description.set("{http://www.w3.org/XML/1998/namespace}lang", "de")
        answer.append(
            element(DAV, "principal-search-property", None, element(DAV, "prop", None, element(ns, local)), description)
        )
    return xml_response(serialize(answer), status=200)


REPORTS = {
    clark(DAV, "principal-property-search"): property_search,
    clark(DAV, "principal-search-property-set"): search_property_set,
    clark(CS, "calendarserver-principal-search"): calendarserver_search,
}
WHERE = ("root", "principals", "principal", ROOM)  # the principal collection, and what clients send it to


def report(ctx: Context, resource: Resource, root) -> Response | None:
    """The answer to a principal report, or None when `root` is none (caldav.report's turn)."""
    handler = REPORTS.get(root.tag) if root is not None else None
    if handler is None:
        return None
    if resource.kind not in WHERE:
        raise DavError(403, "Personen und Räume sucht man in der Sammlung /dav/principals/.", (DAV, "supported-report"))
    return handler(ctx, resource, root)
