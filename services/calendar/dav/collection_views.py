"""MKCALENDAR, MKCOL, PROPPATCH and DELETE of calendar collections (RFC 4791 §5.3.1, RFC 4918
§9.2/§9.3, RFC 5689): a partner creates, renames, recolours and deletes its own calendars in
its calendar home; everything else is read-only for it."""

from __future__ import annotations

from urllib.parse import quote, unquote

from flask import Response, request

from services.calendar.dav import calendar_settings as settings_of
from services.calendar.dav.resources import BASE, Context, Resource, calendar_of, resolve
from services.calendar.dav.webdav import CALDAV, DAV, XML_TYPE, DavError, element, multistatus, parse_xml, serialize
from services.calendar.domain import access
from services.calendar.domain.engagement_shift import is_shift_slug
from services.calendar.store.errors import SlugTaken

READ_ONLY = "Dieser Kalender ist für Sie nur lesbar (Raumkalender oder Kalender eines anderen Partners)."
FED_FROM_SOURCE = (
    "Dieser Kalender wird aus einem anderen Kalender abgerufen und ist hier nur lesbar. "
    "Bitte ändern Sie die Termine dort, wo Ihr Haus sie pflegt; den Kalender selbst ändern oder "
    "löschen Sie auf der Seite „Kalender von anderswo“."
)
FED_FROM_ENGAGEMENT = (
    "Dieser Kalender zeigt die Schichten Ihrer Angebote in der Engagementbörse und ist hier nur "
    "lesbar. Bitte ändern Sie die Schichten in der Engagementbörse."
)


def read_only_reason(calendar) -> str:
    """Why a write to this calendar is refused, in words a person can act on."""
    if calendar.read_only:
        return FED_FROM_ENGAGEMENT if is_shift_slug(calendar.slug) else FED_FROM_SOURCE
    return READ_ONLY


def _segments(path: str) -> list[str]:
    return [unquote(s) for s in path[len(BASE) :].split("/") if s] if path.startswith(BASE) else []


def _create(ctx: Context, path: str, root, response_tag: tuple[str, str]) -> Response:
    """Create a calendar at `path` from the DAV:set of `root` (or with defaults)."""
    existing = resolve(ctx, path)
    if existing is not None and existing.exists:
        raise DavError(
            405,
            "Unter dieser Adresse gibt es schon etwas.",
            headers={"Allow": "OPTIONS, GET, HEAD, PROPFIND, PROPPATCH, REPORT, DELETE"},
        )
    segments = _segments(path)
    if len(segments) != 3 or segments[:2] != ["calendars", ctx.principal.username]:
        parent = resolve(ctx, BASE + "".join(quote(s) + "/" for s in segments[:-1])) if segments else None
        if parent is None or not parent.exists or not parent.is_collection:
            raise DavError(409, "Den übergeordneten Ordner gibt es nicht.")
        raise DavError(
            403,
            "Kalender lassen sich nur im eigenen Kalenderordner anlegen "
            f"({ctx.home_url}); in Kalendern gibt es keine Unterordner.",
            (CALDAV, "calendar-collection-location-ok"),
        )
    partner_id = ctx.principal.partner_id  # can_create_calendar: not None
    if partner_id is None or not access.can_create_calendar(ctx.reader):
        raise DavError(403, "Nur Konten eines Partners können Kalender anlegen.", (DAV, "need-privileges"))
    slug = segments[2]
    if ctx.store.calendar(slug) is not None:  # taken, by a calendar this account cannot see
        raise DavError(405, "Diese Adresse ist schon vergeben; bitte einen anderen Namen wählen.")
    settings_of.check_slug(slug)
    settings, outcome = settings_of.apply(settings_of.parse_updates(root, creating=True), creating=True)
    url = f"{ctx.home_url}{quote(slug)}/"
    if settings_of.failed(outcome):
        body = element(*response_tag, None, *settings_of.propstat_response(url, outcome)[1:])
        return Response(serialize(body), status=403, content_type=XML_TYPE)
    settings.setdefault("displayname", slug)
    try:
        ctx.store.create_calendar(partner_id, slug, settings)
    except SlugTaken as exc:
        raise DavError(405, str(exc)) from None
    return Response(status=201, headers={"Location": url, "Cache-Control": "no-cache", "Content-Length": "0"})


def mkcalendar(ctx: Context, path: str) -> Response:
    return _create(ctx, path, parse_xml(request.get_data()), (CALDAV, "mkcalendar-response"))


def mkcol(ctx: Context, path: str) -> Response:
    """The calendar home holds only calendars, so MKCOL there makes one (an extended MKCOL body,
    RFC 5689, may name it a calendar and set its properties). A body that is not an extended
    MKCOL is refused with 415 (RFC 4918 §9.3)."""
    data = request.get_data()
    root = None
    if data.strip():
        if "xml" not in (request.mimetype or "xml"):
            raise DavError(415, "MKCOL versteht als Körper nur XML (erweitertes MKCOL).")
        try:
            root = parse_xml(data)
        except DavError:
            raise DavError(415, "MKCOL versteht als Körper nur ein DAV:mkcol-Dokument.") from None
        if root is None or root.tag != f"{{{DAV}}}mkcol":
            raise DavError(415, "MKCOL versteht als Körper nur ein DAV:mkcol-Dokument.")
    return _create(ctx, path, root, (DAV, "mkcol-response"))


def proppatch(ctx: Context, resource: Resource) -> Response:
    if not resource.exists:
        raise DavError(404, "Diesen Kalendereintrag gibt es nicht.")
    if resource.kind != "calendar" or not access.can_manage_calendar(ctx.reader, calendar_of(resource)):
        raise DavError(
            403,
            read_only_reason(calendar_of(resource))
            if resource.kind == "calendar"
            else "Hier lassen sich keine Eigenschaften ändern; nur an eigenen Kalendern.",
            (DAV, "need-privileges"),
        )
    root = parse_xml(request.get_data())
    updates = settings_of.parse_updates(root, creating=False)
    if not updates:
        raise DavError(400, "PROPPATCH braucht ein DAV:propertyupdate mit mindestens einer Eigenschaft.")
    settings, outcome = settings_of.apply(updates, creating=False)
    if not settings_of.failed(outcome):
        ctx.store.update_calendar(calendar_of(resource).id, settings)
    return Response(
        multistatus([settings_of.propstat_response(resource.url, outcome)]), status=207, content_type=XML_TYPE
    )


def delete_calendar(ctx: Context, resource: Resource) -> Response:
    calendar = calendar_of(resource)
    if not access.can_manage_calendar(ctx.reader, calendar):
        raise DavError(403, read_only_reason(calendar), (DAV, "need-privileges"))
    if_match = request.headers.get("If-Match")
    etag = f'"rev-{calendar.id}-{calendar.revision}"'
    if if_match is not None and not {t.strip() for t in if_match.split(",")} & {etag, "*"}:
        raise DavError(412, "Der Kalender wurde inzwischen geändert; bitte neu laden (ETag passt nicht).")
    if ctx.scheduler is not None:  # the rooms its events invited are released
        ctx.scheduler.delete_calendar(calendar, ctx.principal)
    ctx.store.delete_calendar(calendar.id)
    return Response(status=204)


CREATORS = {"MKCALENDAR": mkcalendar, "MKCOL": mkcol}
