"""CalDAV (RFC 4791): calendar properties, and the REPORTs calendar-multiget, calendar-query
and free-busy-query (the last two in dav/reports.py, their XML in dav/query_xml.py)."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from flask import Response

from services.calendar.dav import reports, sync
from services.calendar.dav.properties import registry
from services.calendar.dav.resources import Context, Resource, calendar_of, object_resource
from services.calendar.dav.webdav import (
    CALDAV,
    DAV,
    ICAL,
    DavError,
    clark,
    element,
    href,
    multistatus,
    propstat_response,
    status_response,
    xml_response,
)
from services.calendar.domain.ics_feed import local_timezone_calendar
from services.calendar.domain.limits import MAX_DATE_TIME, MAX_INSTANCES, MIN_DATE_TIME, caldav_stamp
from services.calendar.domain.names import object_name_problem
from services.calendar.domain.recurrence import WorkLimitExceeded

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
    return [_comp(name) for name in calendar_of(r).components]


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


# RFC 4791 §5.2.5-5.2.8: the fixed limits of every calendar collection (domain/limits.py)
LIMITS = {
    "max-resource-size": str(MAX_RESOURCE_SIZE),
    "min-date-time": caldav_stamp(MIN_DATE_TIME),
    "max-date-time": caldav_stamp(MAX_DATE_TIME),
    "max-instances": str(MAX_INSTANCES),
}
for _name, _value in LIMITS.items():
    registry.register(CALDAV, _name, in_allprop=False)(
        lambda r, ctx, value=_value: value if r.kind == "calendar" else None
    )


@registry.register(CALDAV, "calendar-description", in_allprop=False)  # RFC 4791 §5.2.1
def calendar_description(r: Resource, ctx: Context):
    return calendar_of(r).description if r.kind == "calendar" else None


@registry.register(CALDAV, "calendar-timezone", in_allprop=False)  # RFC 4791 §5.2.2
def calendar_timezone(r: Resource, ctx: Context):
    if r.kind != "calendar":
        return None
    timezone = calendar_of(r).timezone
    if timezone:  # what the client set with MKCALENDAR/PROPPATCH, returned as given
        return timezone
    return local_timezone_calendar()


@registry.register(ICAL, "calendar-color", in_allprop=False)  # Apple extension, read by all clients
def calendar_color(r: Resource, ctx: Context):
    return calendar_of(r).color if r.kind == "calendar" else None


@registry.register(CALDAV, "schedule-tag", in_allprop=False)  # RFC 6638 §3.2.10
def schedule_tag(r: Resource, ctx: Context):
    return r.obj.schedule_tag if r.kind == "object" and r.obj else None


@registry.register(CALDAV, "calendar-data", in_allprop=False)  # RFC 4791 §9.6 (REPORTs only)
def calendar_data(r: Resource, ctx: Context):
    return r.obj.data.decode("utf-8") if r.kind == "object" and r.obj and r.obj.data is not None else None


# --- REPORTs -------------------------------------------------------------------------------
def report(ctx: Context, resource: Resource, root) -> Response:
    """A multistatus, or for free-busy-query a text/calendar body (RFC 4791 §7.10)."""
    try:
        return _report(ctx, resource, root)
    except WorkLimitExceeded as exc:  # RFC 4791 §7.8's postcondition for answers too large to give
        raise DavError(403, str(exc), (DAV, "number-of-matches-within-limits")) from None


def _report(ctx: Context, resource: Resource, root) -> Response:
    if root is None:
        raise DavError(400, "REPORT braucht einen XML-Körper.")
    if resource.kind != "calendar":
        raise DavError(403, "Dieser Bericht ist nur für Kalender-Sammlungen möglich.", (DAV, "supported-report"))
    names = _prop_names(root)
    if root.tag == clark(CALDAV, "calendar-multiget"):
        return xml_response(multistatus(multiget(ctx, resource, root, names)))
    if root.tag == clark(CALDAV, "calendar-query"):
        return xml_response(multistatus(reports.calendar_query(ctx, resource, root, names)))
    if root.tag == clark(CALDAV, "free-busy-query"):
        return reports.free_busy(ctx, resource, root)
    if root.tag == clark(DAV, "sync-collection"):  # RFC 6578, in dav/sync.py
        return xml_response(multistatus(sync.report(ctx, resource, root, names)))
    raise DavError(403, "Dieser Bericht wird (noch) nicht unterstützt.", (DAV, "supported-report"))


def _prop_names(root) -> list[str]:
    prop = root.find(clark(DAV, "prop"))
    if prop is None:
        return [clark(DAV, "getetag")]
    return [p.tag for p in prop]


def multiget(ctx: Context, collection: Resource, root, names: list[str]) -> list:
    """All hrefs in one query; hrefs outside this collection or unknown get 404."""
    urls = [h.text or "" for h in root.iter(clark(DAV, "href"))]
    if len(urls) > MAX_MULTIGET:
        raise DavError(413, f"Höchstens {MAX_MULTIGET} Einträge je calendar-multiget.")
    base = unquote(collection.url)
    wanted = {}
    for url in urls:
        path = unquote(urlsplit(url).path)
        name = path[len(base) :]
        if path.startswith(base) and name and object_name_problem(name) is None:
            wanted[url] = name  # a name no object can have (a NUL, "..") is simply not found
    calendar = calendar_of(collection)
    found = {o.name: o for o in ctx.store.report_objects(calendar.id, sorted(set(wanted.values())))}
    fast = set(names) <= reports.FAST_PROPS
    responses = []
    for url in urls:
        obj = found.get(wanted.get(url, "\0"))
        if obj is None:
            responses.append(status_response(url, "HTTP/1.1 404 Not Found"))
        elif fast:
            text = None
            if reports.CALENDAR_DATA in names:
                data = ctx.shown(calendar, obj).data
                assert data is not None  # report_objects loads it
                text = data.decode("utf-8")
            responses.append(reports.data_response(collection.url + quote(obj.name), obj.etag, text))
        else:
            resource = object_resource(ctx, collection, obj)
            responses.append(propstat_response(resource.url, registry, resource, ctx, "prop", names))
    return responses
