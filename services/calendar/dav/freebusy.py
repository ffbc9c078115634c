"""The schedule outbox (RFC 6638 §5.1): a POSTed VFREEBUSY REQUEST is answered with a
CALDAV:schedule-response holding an iTIP REPLY (RFC 5546 §3.3.2) per recipient: a room's busy
times from its calendar (its bookings, as calendar.booking_changed keeps them), and as
BUSY-UNAVAILABLE its buffers, closed hours and closures (calendar.room_changed). Invitations
are not POSTed here: rooms invited to an event are scheduled implicitly on its PUT
(services/calendar/scheduling), which the DAV header advertises as calendar-auto-schedule."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, request

from services.calendar.dav import reports
from services.calendar.dav.principals_rooms import own_addresses
from services.calendar.dav.resources import Context, Resource, calendar_resource, room_calendar_url
from services.calendar.dav.webdav import CALDAV, DAV, XML_TYPE, DavError, element, href, serialize
from services.calendar.domain import expand, freebusy_request, room_availability, room_principals
from services.calendar.domain.recurrence import WorkLimitExceeded

SUCCESS, UNKNOWN = "2.0;Success", "3.7;Invalid calendar user"


def post(ctx: Context, resource: Resource) -> Response:
    if resource.kind != "outbox":
        raise DavError(405, "POST ist nur an den Postausgang (schedule-outbox-URL) möglich.", headers={"Allow": ""})
    if (request.mimetype or "") != "text/calendar":
        raise DavError(
            415, "Erwartet wird text/calendar (eine VFREEBUSY-Anfrage).", (CALDAV, "supported-calendar-data")
        )
    if (request.content_length or 0) > freebusy_request.MAX_BYTES:
        raise DavError(413, "Die Frei/Belegt-Anfrage ist zu groß.")
    try:
        asked = freebusy_request.parse(request.get_data(), request.headers.get("Recipient", ""))
    except freebusy_request.InvalidRequest as exc:
        raise DavError(403, str(exc), (CALDAV, exc.precondition)) from None
    own = own_addresses(ctx)
    if not freebusy_request.is_own(asked.organizer, own):  # RFC 6638 §5.1: one asks for oneself
        raise DavError(403, "ORGANIZER muss Ihre eigene Kalenderadresse sein.", (CALDAV, "organizer-allowed"))
    originator = request.headers.get("Originator", "").strip()  # older clients (Thunderbird) send it
    if originator and not freebusy_request.is_own(originator, own):
        raise DavError(403, "Originator muss Ihre eigene Kalenderadresse sein.", (CALDAV, "originator-allowed"))
    answer = element(CALDAV, "schedule-response")
    try:
        for attendee in asked.attendees:
            answer.append(_response(ctx, asked, attendee))
    except WorkLimitExceeded as exc:
        raise DavError(403, str(exc), (DAV, "number-of-matches-within-limits")) from None
    return Response(serialize(answer), status=200, content_type=XML_TYPE)


def _response(ctx: Context, asked: freebusy_request.FreeBusyRequest, attendee: str):
    """One CALDAV:response: the room's REPLY, or 3.7 for an address that is no room here."""
    room_id = room_principals.room_id_of(attendee, ctx.room_mail_domain)
    room = ctx.rooms.room(room_id) if room_id is not None and ctx.rooms is not None else None
    calendar = (
        calendar_resource(ctx, room_calendar_url(room.room_id), ctx.store.room_calendar(room.room_id))
        if room is not None
        else None
    )
    recipient = element(CALDAV, "recipient", None, href(attendee))
    if room is None or calendar is None:
        return element(CALDAV, "response", None, recipient, element(CALDAV, "request-status", UNKNOWN))
    start, end = int(asked.start.timestamp()), int(asked.end.timestamp())
    fields = [
        f"UID:{asked.uid}" if asked.uid else "",  # parse refused control characters: no line breaks in
        f"ORGANIZER:{asked.organizer}",
        f"ATTENDEE;CUTYPE=ROOM:{attendee}",
    ]
    busy = reports.busy(ctx, calendar, start, end)
    busy = sorted(busy + room_availability.unavailable(room.availability, busy, start, end))
    reply = expand.freebusy_calendar(
        busy,
        start,
        end,
        datetime.now(timezone.utc),
        method="REPLY",
        fields=[f for f in fields if f],
    )
    return element(
        CALDAV,
        "response",
        None,
        recipient,
        element(CALDAV, "request-status", SUCCESS),
        element(CALDAV, "calendar-data", reply.decode("utf-8")),
    )
