"""The URL space of /dav/ and who may do what in it.

  /dav/                                    root (discovery)
  /dav/principals/<username>/              the account's principal
  /dav/principals/<username>/outbox/       its schedule outbox (POST: free/busy of rooms)
  /dav/principals/<username>/inbox/<name>  its schedule inbox: rooms' REPLYs (owner only)
  /dav/principals/rooms/<room_id>/         a room's principal (calendar-user-type ROOM); also
                                           the room's calendar home, listing /dav/rooms/<room_id>/
  /dav/calendars/<username>/               calendar home: own partner's calendars (read-write),
                                           other partners' public calendars and all room
                                           calendars (read-only)
  /dav/calendars/<username>/<slug>/<name>  calendars and their objects
  /dav/rooms/<room_id>/<name>              every room calendar, also here (read-only)

Who may do what is asked of domain.access; what of an event a reader sees, of
domain.disclosure (Context.shown)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Protocol
from urllib.parse import quote, unquote

from shared.identity.store import Principal

from services.calendar.dav.webdav import DavError
from services.calendar.domain import access, disclosure, names
from services.calendar.domain.room_principals import Room
from services.calendar.domain.vocabulary import BUSY_SUMMARY, PRIVATE_SUMMARY
from services.calendar.store.interface import CalendarStore
from services.calendar.store.records import CalendarInfo, ObjectInfo
from services.calendar.store.sql_room_directory import RoomDirectory
from services.calendar.store.sql_schedule_inbox import ScheduleInbox

BASE = "/dav/"
LEAVES = ("object", "inbox-message")  # the kinds that are no collection


class Scheduler(Protocol):
    """Implicit scheduling of an organizer's writes (services/calendar/scheduling), given by the
    web layer: the bytes to store for a PUT, and what a DELETE (of an event or a calendar) releases."""

    def put(self, calendar: CalendarInfo, name: str, data: bytes, writer: Principal) -> bytes: ...
    def delete(self, calendar: CalendarInfo, name: str, writer: Principal) -> None: ...
    def delete_calendar(self, calendar: CalendarInfo, writer: Principal) -> None: ...


@dataclass(frozen=True)
class Resource:
    # root | principals | principal | outbox | inbox | inbox-message | room-principal | home | rooms
    # | calendar | object
    kind: str
    url: str
    calendar: CalendarInfo | None = None
    obj: ObjectInfo | None = None  # None for an object URL that does not exist (yet); an inbox message
    name: str = ""  # the object's href segment (decoded)
    writable: bool = False
    room: Room | None = None  # a room-principal's room

    @property
    def is_collection(self) -> bool:
        return self.kind not in LEAVES

    @property
    def exists(self) -> bool:
        return self.kind not in LEAVES or self.obj is not None


def calendar_of(resource: Resource) -> CalendarInfo:
    """The calendar of a "calendar" or "object" resource: resolve, children and object_resource
    give every one of them its calendar (only the other kinds have none)."""
    assert resource.calendar is not None, f"a {resource.kind} resource without a calendar"
    return resource.calendar


@dataclass
class Context:
    principal: Principal
    store: CalendarStore
    rooms: RoomDirectory | None = None  # the room principals; None: there are none
    room_mail_domain: str = "treffpunkt-jena.de"
    inbox: ScheduleInbox | None = None  # the schedule inboxes; None: there are none
    scheduler: Scheduler | None = None  # None: writes schedule nothing
    _sees_everything: dict[int, bool] = field(default_factory=dict, repr=False)

    @property
    def principal_url(self) -> str:
        return f"{BASE}principals/{quote(self.principal.username)}/"

    @property
    def outbox_url(self) -> str:
        return f"{self.principal_url}outbox/"

    @property
    def inbox_url(self) -> str:
        return f"{self.principal_url}inbox/"

    @property
    def home_url(self) -> str:
        return f"{BASE}calendars/{quote(self.principal.username)}/"

    @cached_property
    def reader(self) -> access.Reader:
        return access.Reader(self.principal.partner_id, self.principal.is_coordination)

    def shown(self, calendar: CalendarInfo, obj: ObjectInfo) -> ObjectInfo:
        """`obj` as this reader may see it: private events of others as busy time only."""
        if obj.data is None or self.sees_everything(calendar):
            return obj
        hidden = lambda event_class: not access.sees_details(self.reader, calendar, event_class)  # noqa: E731
        if not disclosure.has_hidden(obj.data, hidden):
            return obj
        summary = BUSY_SUMMARY if calendar.kind == "room" else PRIVATE_SUMMARY
        return replace(obj, data=disclosure.busy_view(obj.data, hidden, summary))

    def sees_everything(self, calendar: CalendarInfo) -> bool:
        """Asked once per calendar and request (a report shows thousands of events)."""
        known = self._sees_everything.get(calendar.id)
        if known is None:
            known = self._sees_everything[calendar.id] = access.sees_every_detail(self.reader, calendar)
        return known

    def ensure_own_calendar(self) -> None:
        """A partner without any calendar of its own to write gets its default one on first
        visit of the home (a calendar fed from elsewhere, such as its shifts, does not count)."""
        partner_id = self.principal.partner_id
        if partner_id is None:
            return
        if not any(c.owner_partner_id == partner_id and not c.read_only for c in self.store.calendars()):
            name = self.principal.partner_name or "Partner"
            self.store.ensure_partner_calendar(partner_id, names.default_slug(partner_id), f"Angebote – {name}")


def calendar_resource(ctx: Context, url: str, calendar: CalendarInfo | None) -> Resource | None:
    if calendar is None or not access.can_read_calendar(ctx.reader, calendar):
        return None
    return Resource("calendar", url, calendar=calendar, writable=access.can_write_events(ctx.reader, calendar))


def resolve(ctx: Context, path: str) -> Resource | None:
    """The resource at `path` (a request path under /dav/), or None for 404. A segment no
    resource could have (control characters, too long) is refused with 400."""
    segments = [unquote(s) for s in path[len(BASE) :].split("/") if s] if path.startswith(BASE) else None
    if segments is None:
        return None
    for segment in segments:
        problem = names.segment_problem(segment)
        if problem:
            raise DavError(400, problem)
    me = ctx.principal.username
    match segments:
        case []:
            return Resource("root", BASE)
        case ["principals"]:
            return Resource("principals", f"{BASE}principals/")
        case ["principals", user] if user == me:
            return Resource("principal", ctx.principal_url)
        case ["principals", "rooms", room] if (room_id := names.numeric_id(room)) is not None:
            return room_principal(ctx, room_id)
        case ["principals", user, "outbox"] if user == me:
            return Resource("outbox", ctx.outbox_url)
        case ["principals", user, "inbox"] if user == me and ctx.inbox is not None:
            return Resource("inbox", ctx.inbox_url)
        case ["principals", user, "inbox", name] if user == me and ctx.inbox is not None:
            problem = names.object_name_problem(name)
            if problem:
                raise DavError(400, problem)
            return inbox_message(ctx, name, ctx.inbox.get(ctx.principal.account_id, name))
        case ["calendars", user] if user == me:
            return Resource("home", ctx.home_url)
        case ["calendars", user, slug, *rest] if user == me and len(rest) <= 1:
            cal = calendar_resource(ctx, f"{ctx.home_url}{quote(slug)}/", ctx.store.calendar(slug))
            return _object_or_collection(ctx, cal, rest)
        case ["rooms"]:
            return Resource("rooms", f"{BASE}rooms/")
        case ["rooms", room, *rest] if (room_id := names.numeric_id(room)) is not None and len(rest) <= 1:
            cal = calendar_resource(ctx, f"{BASE}rooms/{room_id}/", ctx.store.room_calendar(room_id))
            return _object_or_collection(ctx, cal, rest)
    return None


def _object_or_collection(ctx: Context, cal: Resource | None, rest: list[str]) -> Resource | None:
    if cal is None or not rest:
        return cal
    name = rest[0]
    problem = names.object_name_problem(name)
    if problem:
        raise DavError(400, problem)
    calendar = calendar_of(cal)
    obj = ctx.store.get(calendar.id, name)
    return Resource(
        "object",
        cal.url + quote(name),
        calendar=calendar,
        name=name,
        writable=cal.writable,
        obj=None if obj is None else ctx.shown(calendar, obj),
    )


def children(ctx: Context, resource: Resource) -> list[Resource]:
    if resource.kind == "root":
        return [
            Resource("principals", f"{BASE}principals/"),
            Resource("home", ctx.home_url),
            Resource("rooms", f"{BASE}rooms/"),
        ]
    if resource.kind == "principals":
        return [Resource("principal", ctx.principal_url)]
    if resource.kind == "home":
        ctx.ensure_own_calendar()
        return [
            r
            for c in ctx.store.calendars()
            if (r := calendar_resource(ctx, f"{ctx.home_url}{quote(c.slug)}/", c)) is not None
        ]
    if resource.kind == "rooms":
        return [
            r
            for c in ctx.store.calendars()
            if c.kind == "room" and (r := calendar_resource(ctx, f"{BASE}rooms/{c.room_id}/", c)) is not None
        ]
    if resource.kind == "calendar":
        return [object_resource(ctx, resource, o) for o in ctx.store.objects(calendar_of(resource).id)]
    if resource.kind == "inbox" and ctx.inbox is not None:
        return [inbox_message(ctx, m.name, m) for m in ctx.inbox.messages(ctx.principal.account_id)]
    if resource.kind == "room-principal" and resource.room is not None:  # its own calendar home
        cal = calendar_resource(
            ctx, room_calendar_url(resource.room.room_id), ctx.store.room_calendar(resource.room.room_id)
        )
        return [cal] if cal is not None else []
    return []


def inbox_message(ctx: Context, name: str, message: ObjectInfo | None) -> Resource:
    return Resource("inbox-message", ctx.inbox_url + quote(name), obj=message, name=name)


def room_principal_url(room_id: int) -> str:
    return f"{BASE}principals/rooms/{room_id}/"


def room_calendar_url(room_id: int) -> str:
    return f"{BASE}rooms/{room_id}/"


def room_principal(ctx: Context, room_id: int) -> Resource | None:
    room = ctx.rooms.room(room_id) if ctx.rooms is not None else None
    return None if room is None else Resource("room-principal", room_principal_url(room_id), room=room)


def object_resource(ctx: Context, collection: Resource, obj: ObjectInfo) -> Resource:
    """An event of `collection` as `ctx`'s reader may see it (every way out goes through here)."""
    calendar = collection.calendar
    assert calendar is not None  # a calendar collection (inline: this runs once per object)
    return Resource(
        "object",
        collection.url + quote(obj.name),
        calendar=calendar,
        obj=ctx.shown(calendar, obj),
        name=obj.name,
        writable=collection.writable,
    )
