"""The schedule inbox (RFC 6638 §2.2): where the rooms' iTIP REPLYs to the user's invitations
arrive (scheduling/answers.py delivers them). Its owner lists it (PROPFIND Depth 1), reads a
message (GET, calendar-multiget) and deletes it once processed (DELETE); nobody else sees it
(resources.resolve knows only the user's own). The principal names it in schedule-inbox-URL."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from flask import Response

from services.calendar.dav import caldav, reports
from services.calendar.dav.principals_rooms import extend
from services.calendar.dav.resources import Context, Resource
from services.calendar.dav.webdav import (
    CALDAV,
    DAV,
    DavError,
    clark,
    element,
    href,
    multistatus,
    status_response,
    xml_response,
)

INBOX, MESSAGE = "inbox", "inbox-message"


def _message(r: Resource):
    assert r.obj is not None  # an existing message (PROPFIND answers only those)
    return r.obj


def _privileges(*names: tuple[str, str]):
    return [element(DAV, "privilege", None, element(ns, n)) for ns, n in names]


READ = ((DAV, "read"), (DAV, "read-current-user-privilege-set"))
extend(
    DAV,
    "resourcetype",
    {INBOX: lambda r, ctx: [element(DAV, "collection"), element(CALDAV, "schedule-inbox")], MESSAGE: lambda r, ctx: []},
)
extend(DAV, "displayname", {INBOX: lambda r, ctx: "Posteingang"})
extend(
    DAV, "owner", {INBOX: lambda r, ctx: [href(ctx.principal_url)], MESSAGE: lambda r, ctx: [href(ctx.principal_url)]}
)
extend(DAV, "getetag", {MESSAGE: lambda r, ctx: _message(r).etag})
extend(DAV, "getcontenttype", {MESSAGE: lambda r, ctx: "text/calendar; charset=utf-8"})
extend(DAV, "getcontentlength", {MESSAGE: lambda r, ctx: str(_message(r).size)})
extend(CALDAV, "calendar-data", {MESSAGE: lambda r, ctx: (_message(r).data or b"").decode("utf-8")})
# RFC 6638 §2.2.1: the principal's inbox, next to its outbox (schedule-outbox-URL)
extend(
    CALDAV, "schedule-inbox-URL", {"principal": lambda r, ctx: [href(ctx.inbox_url)] if ctx.inbox is not None else None}
)
# RFC 6638 §6.1.1: the owner reads and deletes (unbind); delivering is the server's own business
extend(
    DAV,
    "current-user-privilege-set",
    {INBOX: lambda r, ctx: _privileges(*READ, (DAV, "unbind")), MESSAGE: lambda r, ctx: _privileges(*READ)},
)
extend(
    DAV,
    "supported-report-set",
    {
        INBOX: lambda r, ctx: [
            element(DAV, "supported-report", None, element(DAV, "report", None, element(CALDAV, "calendar-multiget")))
        ]
    },
)


def get(ctx: Context, resource: Resource) -> Response:
    message = resource.obj
    if message is None or message.data is None:
        raise DavError(404, "Diese Nachricht gibt es nicht (mehr).")
    return Response(message.data, content_type="text/calendar; charset=utf-8", headers={"ETag": message.etag})


def delete(ctx: Context, resource: Resource) -> Response:
    if resource.kind == INBOX:
        raise DavError(403, "Der Posteingang selbst kann nicht gelöscht werden, nur seine Nachrichten.")
    if ctx.inbox is None or resource.obj is None or not ctx.inbox.delete(ctx.principal.account_id, resource.name):
        raise DavError(404, "Diese Nachricht gibt es nicht (mehr).")
    return Response(status=204)


def report(ctx: Context, resource: Resource, root) -> Response | None:
    """calendar-multiget on the inbox; None for any other resource (another module's turn)."""
    if resource.kind != INBOX or ctx.inbox is None:
        return None
    if root is None or root.tag != clark(CALDAV, "calendar-multiget"):
        raise DavError(403, "Im Posteingang ist nur calendar-multiget möglich.", (DAV, "supported-report"))
    urls = [h.text or "" for h in root.iter(clark(DAV, "href"))]
    if len(urls) > caldav.MAX_MULTIGET:
        raise DavError(413, f"Höchstens {caldav.MAX_MULTIGET} Einträge je calendar-multiget.")
    base = unquote(resource.url)
    wanted = {url: unquote(urlsplit(url).path)[len(base) :] for url in urls}
    found = {m.name: m for m in ctx.inbox.messages(ctx.principal.account_id, sorted(set(wanted.values())))}
    responses = []
    for url in urls:
        message = found.get(wanted[url]) if unquote(urlsplit(url).path).startswith(base) else None
        if message is None or message.data is None:
            responses.append(status_response(url, "HTTP/1.1 404 Not Found"))
        else:
            text = message.data.decode("utf-8") if reports.CALENDAR_DATA in caldav_names(root) else None
            responses.append(reports.data_response(resource.url + quote(message.name), message.etag, text))
    return xml_response(multistatus(responses))


def caldav_names(root) -> list[str]:
    prop = root.find(clark(DAV, "prop"))
    return [p.tag for p in prop] if prop is not None else []
