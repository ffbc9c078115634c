"""WebDAV live properties (RFC 4918, RFC 3744 ACL, RFC 5397, RFC 6578), one function each.
CalDAV's own properties are registered in caldav.py into the same registry."""

from __future__ import annotations

from services.calendar.dav.resources import BASE, Context, Resource, calendar_of
from services.calendar.dav.webdav import CALDAV, CS, DAV, ICAL, PropertyRegistry, element, href
from services.calendar.domain import access

registry = PropertyRegistry()


@registry.register(DAV, "resourcetype")  # RFC 4918 §15.9
def resourcetype(r: Resource, ctx: Context):
    if r.kind == "object":
        return []
    types = [element(DAV, "collection")]
    if r.kind == "calendar":
        types.append(element(CALDAV, "calendar"))
    if r.kind == "principal":
        types.append(element(DAV, "principal"))
    return types


@registry.register(DAV, "displayname")  # RFC 4918 §15.2
def displayname(r: Resource, ctx: Context):
    if r.kind == "calendar":
        return calendar_of(r).displayname
    if r.kind == "principal":
        return ctx.principal.display_name
    if r.kind == "home":
        return "Kalender"
    if r.kind == "rooms":
        return "Räume"
    return None


@registry.register(DAV, "getetag")  # RFC 4918 §15.6; strong, a hash of the stored bytes
def getetag(r: Resource, ctx: Context):
    if r.kind == "object" and r.obj:
        return r.obj.etag
    if r.kind == "calendar":
        calendar = calendar_of(r)
        return f'"rev-{calendar.id}-{calendar.revision}"'
    return None


@registry.register(DAV, "getcontenttype")  # RFC 4918 §15.5
def getcontenttype(r: Resource, ctx: Context):
    if r.kind == "object":
        return "text/calendar; charset=utf-8"
    return "httpd/unix-directory" if r.kind != "calendar" else None


@registry.register(DAV, "getcontentlength")  # RFC 4918 §15.4
def getcontentlength(r: Resource, ctx: Context):
    if r.kind != "object" or r.obj is None:
        return None
    size = r.obj.size if r.obj.size is not None else len(r.obj.data) if r.obj.data is not None else None
    return None if size is None else str(size)


@registry.register(CS, "getctag")  # calendarserver.org ctag: changes with every change inside
def getctag(r: Resource, ctx: Context):
    return f'"{calendar_of(r).revision}"' if r.kind == "calendar" else None


@registry.register(DAV, "owner", in_allprop=False)  # RFC 3744 §5.1
def owner(r: Resource, ctx: Context):
    if r.kind in ("home", "principal") or (r.kind in ("calendar", "object") and r.writable):
        return [href(ctx.principal_url)]
    return None  # partners and rooms are not principals (yet): no owner to name


@registry.register(DAV, "current-user-principal", in_allprop=False)  # RFC 5397
def current_user_principal(r: Resource, ctx: Context):
    return [href(ctx.principal_url)]


@registry.register(DAV, "principal-URL", in_allprop=False)  # RFC 3744 §4.2
def principal_url(r: Resource, ctx: Context):
    return [href(ctx.principal_url)] if r.kind == "principal" else None


@registry.register(DAV, "principal-collection-set", in_allprop=False)  # RFC 3744 §5.8
def principal_collection_set(r: Resource, ctx: Context):
    return [href(f"{BASE}principals/")]


def _privileges(*names: str):
    return [element(DAV, "privilege", None, element(DAV, n)) for n in names]


@registry.register(DAV, "current-user-privilege-set", in_allprop=False)  # RFC 3744 §5.4
def current_user_privilege_set(r: Resource, ctx: Context):
    """Truthful: writing only where PUT/DELETE/PROPPATCH will succeed. DAV:write is the
    aggregate Thunderbird looks for; its parts are listed too for clients that test them."""
    if r.writable:
        return _privileges(
            "read", "read-current-user-privilege-set", "write", "write-properties", "write-content", "bind", "unbind"
        )
    if r.kind == "home" and access.can_create_calendar(ctx.reader):  # MKCALENDAR, DELETE of own calendars
        return _privileges("read", "read-current-user-privilege-set", "bind", "unbind")
    return _privileges("read", "read-current-user-privilege-set")


REPORTS = (
    (CALDAV, "calendar-multiget"),
    (CALDAV, "calendar-query"),
    (CALDAV, "free-busy-query"),
    (DAV, "sync-collection"),
)


@registry.register(DAV, "supported-report-set", in_allprop=False)  # RFC 3253 §3.1.5
def supported_report_set(r: Resource, ctx: Context):
    if r.kind != "calendar":  # REPORTs are answered on calendar collections only
        return []
    return [
        element(DAV, "supported-report", None, element(DAV, "report", None, element(ns, name))) for ns, name in REPORTS
    ]


@registry.register(ICAL, "calendar-order", in_allprop=False)  # Apple extension: position in the list
def calendar_order(r: Resource, ctx: Context):
    if r.kind != "calendar":
        return None
    order = calendar_of(r).order
    return None if order is None else str(order)
