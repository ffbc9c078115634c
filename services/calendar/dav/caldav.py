"""CalDAV (RFC 4791): calendar properties, and the REPORTs calendar-multiget and
calendar-query. Time ranges are matched on expanded recurrences (domain.ranges) after a
pre-filter on the indexed UTC span of each object (store.objects_in_range)."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

from icalendar import Calendar

from services.calendar.dav import sync
from services.calendar.dav.properties import registry
from services.calendar.dav.resources import Context, Resource, object_resource
from services.calendar.dav.webdav import (CALDAV, DAV, ICAL, DavError, clark, element, href,
                                          propstat_response, status_response)
from services.calendar.domain.ranges import overlaps
from services.calendar.domain.timezones import berlin_vtimezone

MAX_RESOURCE_SIZE = 1024 * 1024
MAX_MULTIGET = 1000


@registry.register(CALDAV, "calendar-home-set", in_allprop=False)  # RFC 4791 §6.2.1
def calendar_home_set(r: Resource, ctx: Context):
    return [href(ctx.home_url)] if r.kind in ("principal", "root", "home") else None


@registry.register(CALDAV, "calendar-user-address-set", in_allprop=False)  # RFC 6638 §2.4.1
def calendar_user_address_set(r: Resource, ctx: Context):
    if r.kind != "principal":
        return None
    return [href(f"mailto:{ctx.principal.email}")] if ctx.principal.email else []


@registry.register(CALDAV, "supported-calendar-component-set", in_allprop=False)  # RFC 4791 §5.2.3
def supported_calendar_component_set(r: Resource, ctx: Context):
    if r.kind != "calendar":
        return None
    return [_comp("VEVENT")]


def _comp(name: str):
    el = element(CALDAV, "comp")
    el.set("name", name)
    return el


@registry.register(CALDAV, "supported-calendar-data", in_allprop=False)  # RFC 4791 §5.2.4
def supported_calendar_data(r: Resource, ctx: Context):
    if r.kind != "calendar":
        return None
    data = element(CALDAV, "calendar-data")
    data.set("content-type", "text/calendar")
    data.set("version", "2.0")
    return [data]


@registry.register(CALDAV, "max-resource-size", in_allprop=False)  # RFC 4791 §5.2.5
def max_resource_size(r: Resource, ctx: Context):
    return str(MAX_RESOURCE_SIZE) if r.kind == "calendar" else None


@registry.register(CALDAV, "calendar-description", in_allprop=False)  # RFC 4791 §5.2.1
def calendar_description(r: Resource, ctx: Context):
    return r.calendar.description if r.kind == "calendar" else None


@registry.register(CALDAV, "calendar-timezone", in_allprop=False)  # RFC 4791 §5.2.2
def calendar_timezone(r: Resource, ctx: Context):
    if r.kind != "calendar":
        return None
    holder = Calendar()
    holder.add("PRODID", "-//Treffpunkt Jena//Kalender//DE")
    holder.add("VERSION", "2.0")
    holder.add_component(berlin_vtimezone())
    return holder.to_ical().decode("utf-8")


@registry.register(ICAL, "calendar-color", in_allprop=False)  # Apple extension, read by all clients
def calendar_color(r: Resource, ctx: Context):
    return r.calendar.color if r.kind == "calendar" else None


@registry.register(CALDAV, "calendar-data", in_allprop=False)  # RFC 4791 §9.6 (REPORTs only)
def calendar_data(r: Resource, ctx: Context):
    return r.obj.data.decode("utf-8") if r.kind == "object" and r.obj and r.obj.data is not None else None


# --- REPORTs -------------------------------------------------------------------------------
def report(ctx: Context, resource: Resource, root) -> list:
    if root is None:
        raise DavError(400, "REPORT braucht einen XML-Körper.")
    if resource.kind != "calendar":
        raise DavError(403, "Dieser Bericht ist nur für Kalender-Sammlungen möglich.", (DAV, "supported-report"))
    names = _prop_names(root)
    if root.tag == clark(CALDAV, "calendar-multiget"):
        return multiget(ctx, resource, root, names)
    if root.tag == clark(CALDAV, "calendar-query"):
        return query(ctx, resource, root, names)
    if root.tag == clark(DAV, "sync-collection"):  # RFC 6578, in dav/sync.py
        return sync.report(ctx, resource, root, names)
    raise DavError(403, "Dieser Bericht wird (noch) nicht unterstützt.", (DAV, "supported-report"))


def _prop_names(root) -> list[str]:
    prop = root.find(clark(DAV, "prop"))
    if prop is None:
        return [clark(DAV, "getetag")]
    return [p.tag for p in prop]


def multiget(ctx: Context, collection: Resource, root, names: list[str]) -> list:
    urls = [h.text or "" for h in root.iter(clark(DAV, "href"))]
    if len(urls) > MAX_MULTIGET:
        raise DavError(413, f"Höchstens {MAX_MULTIGET} Einträge je calendar-multiget.")
    wanted = {}
    for url in urls:
        path = unquote(urlsplit(url).path)
        if path.startswith(unquote(collection.url)) and "/" not in path[len(unquote(collection.url)):]:
            wanted[url] = path[len(unquote(collection.url)):]
    found = {o.name: o for o in ctx.store.objects_named(collection.calendar.id, list(set(wanted.values())))}
    responses = []
    for url in urls:
        obj = found.get(wanted.get(url, "\0"))
        if obj is None:
            responses.append(status_response(url, "HTTP/1.1 404 Not Found"))
        else:
            responses.append(propstat_response(object_resource(collection, obj).url, registry,
                                               object_resource(collection, obj), ctx, "prop", names))
    return responses


def query(ctx: Context, collection: Resource, root, names: list[str]) -> list:
    filter_el = root.find(clark(CALDAV, "filter"))
    if filter_el is None or len(filter_el) != 1 or filter_el[0].get("name", "").upper() != "VCALENDAR":
        raise DavError(400, "calendar-query braucht einen Filter mit comp-filter VCALENDAR.", (CALDAV, "valid-filter"))
    top = filter_el[0]
    start, end = _outer_range(top)
    responses = []
    for obj in ctx.store.objects_in_range(collection.calendar.id, start, end):
        calendar = Calendar.from_ical(obj.data)
        if _comp_matches(top, [calendar]):
            resource = object_resource(collection, obj)
            responses.append(propstat_response(resource.url, registry, resource, ctx, "prop", names))
    return responses


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise DavError(400, f"Ungültige Zeitangabe {value!r} (erwartet z. B. 20250101T000000Z).",
                       (CALDAV, "valid-filter")) from None


def _time_range(comp_filter) -> tuple[datetime | None, datetime | None] | None:
    el = comp_filter.find(clark(CALDAV, "time-range"))
    if el is None:
        return None
    start, end = _parse_time(el.get("start")), _parse_time(el.get("end"))
    if start is None and end is None:
        raise DavError(400, "time-range braucht start oder end.", (CALDAV, "valid-filter"))
    return start, end


def _outer_range(top) -> tuple[datetime | None, datetime | None]:
    """The time range of the one component filter, if any: used only to pre-filter."""
    inner = top.findall(clark(CALDAV, "comp-filter"))
    if len(inner) == 1:
        rng = _time_range(inner[0])
        if rng:
            return rng
    return None, None


def _comp_matches(comp_filter, parents) -> bool:
    """RFC 4791 §9.7.1 against the components named by the filter inside `parents`."""
    name = comp_filter.get("name", "").upper()
    candidates = [c for p in parents for c in ([p] if p.name == name else p.subcomponents) if c.name == name]
    if comp_filter.find(clark(CALDAV, "is-not-defined")) is not None:
        return not candidates
    if not candidates:
        return False
    rng = _time_range(comp_filter)
    calendars = [p for p in parents if p.name == "VCALENDAR"]
    # a range on an alarm inside an event is not checked (yet): matching more is the safe side
    if rng is not None and name != "VCALENDAR" and calendars:
        if not any(overlaps(c, rng[0], rng[1], components=(name,)) for c in calendars):
            return False
    for pf in comp_filter.findall(clark(CALDAV, "prop-filter")):
        if not any(_prop_matches(pf, c) for c in candidates):
            return False
    for child in comp_filter.findall(clark(CALDAV, "comp-filter")):
        if not _comp_matches(child, candidates):
            return False
    return True


def _prop_matches(prop_filter, component) -> bool:
    """RFC 4791 §9.7.2: is-not-defined, or text-match as a (case-insensitive) substring."""
    name = prop_filter.get("name", "").upper()
    values = component.get(name)
    values = [] if values is None else values if isinstance(values, list) else [values]
    if prop_filter.find(clark(CALDAV, "is-not-defined")) is not None:
        return not values
    if not values:
        return False
    match = prop_filter.find(clark(CALDAV, "text-match"))
    if match is None:
        return True
    needle = match.text or ""
    octet = match.get("collation") == "i;octet"
    hit = any((needle in str(v)) if octet else (needle.casefold() in str(v).casefold()) for v in values)
    return hit != (match.get("negate-condition") == "yes")
