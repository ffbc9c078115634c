"""HTTP methods of /dav/: thin handlers over resources, properties, reports and the store."""

from __future__ import annotations

from typing import cast
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, redirect, request

from shared.auth import basic_auth_required, current_account
from shared.metrics import registry as metrics
from shared.web.csrf import csrf
from shared.web.request_db import unit_of_work

from services.calendar.dav import caldav, collection_views, counts, freebusy, principals_rooms, schedule_inbox
from services.calendar.dav.properties import registry
from services.calendar.dav.resources import BASE, Context, Resource, calendar_of, children, resolve
from services.calendar.dav.webdav import (
    CALDAV,
    DAV,
    DAV_HEADER,
    XML_TYPE,
    DavError,
    depth,
    href,
    multistatus,
    parse_propfind,
    parse_xml,
    propstat_response,
    xml_response,
)
from services.calendar.domain.calendar_data import InvalidCalendarData
from services.calendar.domain.ics_feed import assemble
from services.calendar.store.errors import PreconditionFailed, UidConflict, UnsupportedComponent

bp = Blueprint("dav", __name__)
csrf.exempt(bp)  # HTTP Basic clients, no forms: CSRF tokens do not apply
METHODS = [
    "OPTIONS",
    "GET",
    "HEAD",
    "PUT",
    "DELETE",
    "PROPFIND",
    "REPORT",
    "PROPPATCH",
    "MKCALENDAR",
    "MKCOL",
    "MOVE",
    "COPY",
    "LOCK",
    "UNLOCK",
    "POST",
]
ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, MKCOL"
STORE = "calendar_dav_store"  # app.extensions: makes the store of a request from its session
ROOMS = "calendar_dav_rooms"  # app.extensions: makes the room directory of a request from its session
INBOX = "calendar_dav_inbox"  # app.extensions: makes the schedule inboxes of a request from its session
SCHEDULER = "calendar_dav_scheduler"  # app.extensions: (session, room mail domain) -> resources.Scheduler


# Discovery entry points answer PROPFIND themselves, as the root /dav/ would: RFC 6764 allows a
# redirect, but some clients (the caldav library among them) then keep the old URL as principal.
DISCOVERY = ("/", "/.well-known/caldav")


@bp.route("/.well-known/caldav", methods=METHODS)
def well_known():
    if request.method in ("PROPFIND", "OPTIONS"):
        return dav()
    return redirect(BASE, code=301)


@bp.route("/", methods=["PROPFIND", "OPTIONS"])
def site_root():
    """Clients given only the server address probe "/" (Apple Calendar, the caldav library)."""
    return dav()


@bp.route("/dav", methods=METHODS, strict_slashes=False)
@bp.route("/dav/<path:_path>", methods=METHODS)
def dav(_path: str = ""):
    if request.method == "OPTIONS":  # before login: clients probe capabilities first
        return Response(status=200, headers={"DAV": DAV_HEADER, "Allow": ALLOW, "Content-Length": "0"})
    return _authenticated()


@basic_auth_required("Treffpunkt CalDAV")
def _authenticated():
    """One request, one unit of work: what a handler wrote commits when it returns, and none of
    it when a DavError (or anything else) leaves the block."""
    path = BASE if request.path == "/dav" or request.path in DISCOVERY else request.path
    try:
        with unit_of_work() as session:
            response = _handle(_context(session), path)
    except DavError as exc:
        response = Response(
            exc.body(), status=exc.status, content_type=XML_TYPE, headers={"DAV": DAV_HEADER, **exc.headers}
        )
    current_app.extensions[counts.KEY].record(request.method, response.status_code, g.get(counts.SYNC_KIND))
    return response


def _context(session) -> Context:
    rooms, account = current_app.extensions.get(ROOMS), current_account()
    inbox, scheduler = current_app.extensions.get(INBOX), current_app.extensions.get(SCHEDULER)
    assert account is not None  # basic_auth_required lets only logged-in requests through
    domain = current_app.config["SETTINGS"].room_mail_domain
    return Context(
        account,
        current_app.extensions[STORE](session),
        rooms=rooms(session) if rooms is not None else None,
        room_mail_domain=domain,
        inbox=inbox(session) if inbox is not None else None,
        scheduler=scheduler(session, domain) if scheduler is not None else None,
    )


def _handle(ctx: Context, path: str) -> Response:
    if request.method in collection_views.CREATORS:  # the target does not exist yet
        return collection_views.CREATORS[request.method](ctx, path)
    handler = HANDLERS.get(request.method)
    if handler is None:
        raise DavError(405, f"{request.method} wird hier (noch) nicht unterstützt.", headers={"Allow": ALLOW})
    resource = resolve(ctx, path)
    if resource is None:
        raise DavError(404, "Diese Adresse gibt es nicht (oder sie ist nicht für Sie sichtbar).")
    return handler(ctx, resource)


def propfind(ctx: Context, resource: Resource) -> Response:
    if not resource.exists:
        raise DavError(404, "Diesen Kalendereintrag gibt es nicht.")
    mode, names = parse_propfind(parse_xml(request.get_data()))
    targets = [resource]
    if depth(request.headers.get("Depth")) == "1":
        targets += children(ctx, resource)
    return xml_response(multistatus(propstat_response(r.url, registry, r, ctx, mode, names) for r in targets))


def report(ctx: Context, resource: Resource) -> Response:
    root = parse_xml(request.get_data())
    setattr(g, counts.SYNC_KIND, counts.sync_kind(root))
    return (
        principals_rooms.report(ctx, resource, root)
        or schedule_inbox.report(ctx, resource, root)
        or caldav.report(ctx, resource, root)
    )


def get(ctx: Context, resource: Resource) -> Response:
    if resource.kind == schedule_inbox.MESSAGE:
        return schedule_inbox.get(ctx, resource)
    if resource.kind == "object":
        if resource.obj is None:
            raise DavError(404, "Diesen Kalendereintrag gibt es nicht.")
        return Response(
            resource.obj.data,
            content_type="text/calendar; charset=utf-8",
            headers={"ETag": resource.obj.etag, **_schedule_tag_header(resource.obj.schedule_tag)},
        )
    if resource.kind == "calendar":  # the whole calendar as one .ics, as Radicale does
        calendar = calendar_of(resource)
        objects = ctx.store.objects(calendar.id, with_data=True)
        # with_data: every one has its data (and shown keeps it)
        shown = cast("list[bytes]", [ctx.shown(calendar, o).data for o in objects])
        body = assemble(shown, calendar.displayname, calendar.description)
        return Response(
            body,
            content_type="text/calendar; charset=utf-8",
            headers={
                "ETag": f'"rev-{calendar.id}-{calendar.revision}"',
                "Content-Disposition": f'inline; filename="{calendar.slug}.ics"',
            },
        )
    return Response(
        "Treffpunkt CalDAV: Adresse für Kalenderprogramme (z. B. Thunderbird).\n",
        content_type="text/plain; charset=utf-8",
    )


def _writable_object(resource: Resource) -> None:
    if resource.kind != "object":
        raise DavError(
            405, "Hier können keine Einträge abgelegt werden; bitte einen Kalender wählen.", headers={"Allow": ALLOW}
        )
    if not resource.writable:
        raise DavError(403, collection_views.read_only_reason(calendar_of(resource)), (DAV, "need-privileges"))


def put(ctx: Context, resource: Resource) -> Response:
    _writable_object(resource)
    if (request.content_length or 0) > caldav.MAX_RESOURCE_SIZE:
        raise DavError(413, "Der Kalendereintrag ist zu groß (höchstens 1 MB).", (CALDAV, "max-resource-size"))
    mimetype = request.mimetype or "text/calendar"
    if mimetype not in ("text/calendar", "application/octet-stream"):
        raise DavError(415, "Erwartet wird text/calendar (iCalendar).", (CALDAV, "supported-calendar-data"))
    data = request.get_data()
    if len(data) > caldav.MAX_RESOURCE_SIZE:
        raise DavError(413, "Der Kalendereintrag ist zu groß (höchstens 1 MB).", (CALDAV, "max-resource-size"))
    calendar = calendar_of(resource)
    sent = data
    if ctx.scheduler is not None:  # an organizer's copy inviting rooms: their state written in
        data = ctx.scheduler.put(calendar, resource.name, data, ctx.principal)
    try:
        etag, created = ctx.store.put(
            calendar.id,
            resource.name,
            data,
            if_match=request.headers.get("If-Match"),
            if_none_match=request.headers.get("If-None-Match", "").strip() == "*",
            components=calendar.components,
            if_schedule_tag_match=request.headers.get("If-Schedule-Tag-Match"),
        )
    except InvalidCalendarData as exc:  # valid-calendar-data, or a limit: max-instances, min/max-date-time
        raise DavError(403, str(exc), (CALDAV, exc.precondition)) from None
    except UnsupportedComponent as exc:
        raise DavError(403, str(exc), (CALDAV, "supported-calendar-component")) from None
    except PreconditionFailed as exc:
        raise DavError(412, str(exc)) from None
    except UidConflict as exc:  # RFC 4791 §5.3.2.1: name the resource that holds the UID
        raise DavError(
            409,
            str(exc),
            (CALDAV, "no-uid-conflict"),
            detail=[href(resource.url.rsplit("/", 1)[0] + "/" + quote(exc.existing_name))],
        ) from None
    # RFC 4791 §5.3.4: no ETag when the server stored other bytes than were sent (the rooms'
    # PARTSTAT), so that the client fetches the event again
    headers = {"ETag": etag, "DAV": DAV_HEADER} if data == sent else {"DAV": DAV_HEADER}
    if b"ORGANIZER" in data.upper():  # perhaps a scheduling object: it has a schedule tag now
        stored = ctx.store.get(calendar.id, resource.name)
        headers.update(_schedule_tag_header(stored.schedule_tag if stored else None))
    return Response(status=201 if created else 204, headers=headers)


def _schedule_tag_header(tag: str | None) -> dict[str, str]:
    """RFC 6638 §8.2: Schedule-Tag on GET and PUT of scheduling objects."""
    return {"Schedule-Tag": tag} if tag else {}


def delete(ctx: Context, resource: Resource) -> Response:
    if resource.kind == "calendar":
        return collection_views.delete_calendar(ctx, resource)
    if resource.kind in (schedule_inbox.INBOX, schedule_inbox.MESSAGE):
        return schedule_inbox.delete(ctx, resource)
    _writable_object(resource)
    if ctx.scheduler is not None and resource.obj is not None:  # its rooms are released
        ctx.scheduler.delete(calendar_of(resource), resource.name, ctx.principal)
    try:
        gone = ctx.store.delete(
            calendar_of(resource).id,
            resource.name,
            if_match=request.headers.get("If-Match"),
            if_schedule_tag_match=request.headers.get("If-Schedule-Tag-Match"),
        )
    except PreconditionFailed as exc:
        raise DavError(412, str(exc)) from None
    if not gone:
        raise DavError(404, "Diesen Kalendereintrag gibt es nicht.")
    return Response(status=204)


HANDLERS = {
    "PROPFIND": propfind,
    "REPORT": report,
    "GET": get,
    "HEAD": get,
    "PUT": put,
    "DELETE": delete,
    "PROPPATCH": collection_views.proppatch,
    "POST": freebusy.post,
}


def init_app(app, store_factory, rooms_factory=None, inbox_factory=None, scheduler_factory=None) -> None:
    """`store_factory(session)` gives the store (a CalendarStore) the handlers work with,
    `rooms_factory(session)` the room directory behind the rooms' principals (None: no rooms),
    `inbox_factory(session)` the schedule inboxes, `scheduler_factory(session, room mail domain)`
    the implicit scheduling of writes (None: none)."""
    app.extensions[STORE] = store_factory
    app.extensions[ROOMS] = rooms_factory
    app.extensions[INBOX] = inbox_factory
    app.extensions[SCHEDULER] = scheduler_factory
    app.extensions[counts.KEY] = counts.DavCounts(metrics.of(app))
    app.register_blueprint(bp)
