"""The organizer's writes: a PUT of an event that invites rooms asks each room whose dates or
title changed (a new sequence, rooms.book_for_invitation through the outbox, in the request's
transaction) and shows it waiting (PARTSTAT=NEEDS-ACTION, SCHEDULE-STATUS 1.2); a room asked
the same as before shows its last answer again (a client that resets PARTSTAT does not wipe
it); a room taken off the event, or the event deleted, is asked for no dates any more. An
address that is no bookable room gets SCHEDULE-STATUS 3.7 and is not asked; rooms beyond
invited_rooms.MAX_ROOMS get 5.3.

The people invited are sent their invitations by people.py (iMIP through notify).

Only the organizer's copy schedules (ORGANIZER is the writer's own address): a colleague's edit
of the same event is stored as sent and asks rooms nothing."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.identity.store import Principal

from services.calendar.domain import invited_rooms
from services.calendar.domain.calendar_data import InvalidCalendarData
from services.calendar.domain.ical import parse_calendar
from services.calendar.domain.room_answers import (
    ALL_DAY,
    NEEDS_ACTION,
    PENDING,
    REFUSED_HERE,
    UNKNOWN,
    mark,
    write_answer,
)
from services.calendar.domain.schedule_tag import is_scheduling_object
from services.calendar.scheduling.people import PeopleScheduling
from services.calendar.store.models import RoomInvitation
from services.calendar.store.records import CalendarInfo
from services.calendar.store.sql_invitations import Invitations, Invited, answer_of
from services.calendar.store.sql_room_directory import RoomDirectory


class OrganizerScheduling:
    """One request's scheduling of rooms; it writes in the request's own transaction."""

    def __init__(self, session: Session, room_mail_domain: str, now: datetime | None = None):
        self.invitations, self.rooms = Invitations(session), RoomDirectory(session)
        self.domain, self.now = room_mail_domain, now or utcnow()
        self.people = PeopleScheduling(session, room_mail_domain)

    def put(self, calendar: CalendarInfo, name: str, data: bytes, writer: Principal) -> bytes:
        """The bytes to store for `data` PUT at `name`: the client's own, or with the rooms'
        PARTSTAT and SCHEDULE-STATUS written in. Data that cannot be read is returned as it
        is: the store refuses it with its own message."""
        if calendar.kind != "partner":
            return data
        if (
            b"ATTENDEE" not in data.upper()
            and not self.invitations.of_object(calendar.id, name, asked_only=True)
            and not self.people.any_invited(calendar.id, name)
        ):
            return data  # no invitation before or now: nothing to look at
        try:
            parsed = parse_calendar(data)
        except InvalidCalendarData:
            return data
        uid = _uid(parsed)
        own = [f"mailto:{writer.email}"] if writer.email else []
        copy = invited_rooms.organizer_copy(parsed, own, self.domain, self.now)
        self.invitations.lock_calendar(calendar.id)
        mine: dict[int, RoomInvitation] = {}
        for row in self.invitations.of_event(calendar.id, name, uid):
            if row.uid == uid:
                mine[row.room_id] = row
            else:  # another event was at this name before
                self._release(row, calendar, writer)
        if copy is None:
            if not is_scheduling_object(parsed):  # no ORGANIZER any more (Thunderbird drops it with the last attendee)
                for row in mine.values():
                    self._release(row, calendar, writer)
            self.people.put(calendar, name, uid, parsed, writer)  # cancels, changes nothing here
            return data  # else another organizer's event: theirs to schedule
        changed = False
        for room_id, request in copy.rooms.items():
            changed |= self._schedule(calendar, name, uid, parsed, request, mine.pop(room_id, None), writer)
        for room_id in copy.beyond_limit:
            changed |= mark(parsed, room_id, self.domain, REFUSED_HERE)
        for row in mine.values():  # taken off the event
            self._release(row, calendar, writer)
        changed |= self.people.put(calendar, name, uid, parsed, writer)  # after the rooms: their state goes out too
        return parsed.to_ical() if changed else data

    def delete(self, calendar: CalendarInfo, name: str, writer: Principal) -> None:
        """The event at `name` goes: its rooms are asked for no dates any more."""
        if calendar.kind != "partner":
            return
        self.invitations.lock_calendar(calendar.id)
        for row in self.invitations.of_object(calendar.id, name):
            self._release(row, calendar, writer)
        self.people.delete(calendar, name, writer)

    def delete_calendar(self, calendar: CalendarInfo, writer: Principal) -> None:
        """The whole calendar goes: every room still asked for is released."""
        self.invitations.lock_calendar(calendar.id)
        for row in self.invitations.of_calendar(calendar.id):
            self._release(row, calendar, writer)
        self.people.delete_calendar(calendar, writer)

    def _schedule(
        self,
        calendar: CalendarInfo,
        name: str,
        uid: str,
        parsed: Calendar,
        request: invited_rooms.RoomRequest,
        row: RoomInvitation | None,
        writer: Principal,
    ) -> bool:
        room_id, domain = request.room_id, self.domain
        if self.rooms.room(room_id) is None:  # unknown, or no longer offered
            if row is not None:
                self._release(row, calendar, writer)
            return mark(parsed, room_id, domain, UNKNOWN)
        local = {key: ("DECLINED", ALL_DAY) for key in request.all_day_keys}
        changed = write_answer(parsed, room_id, domain, local) if local else False
        if not request.fingerprint:  # nothing (any more) to ask for
            if row is not None:
                self._release(row, calendar, writer)
            return changed
        if row is not None and row.fingerprint == request.fingerprint:
            row.object_name = name
            answer = answer_of(row)
            if answer is not None:
                return write_answer(parsed, room_id, domain, answer) | changed
        else:
            self.invitations.invite(calendar.id, name, uid, room_id, row, self._invited(calendar, request, writer))
        return _waiting(parsed, room_id, domain, request) | changed

    def _invited(self, calendar: CalendarInfo, request: invited_rooms.RoomRequest, writer: Principal) -> Invited:
        dates = [{"key": d.key, "starts_at": d.start, "ends_at": d.end} for d in request.dates]
        return Invited(
            fingerprint=request.fingerprint,
            title=request.title,
            description=request.description,
            dates=dates,
            keys=[d.key for d in request.dates],
            account_id=writer.account_id,
            partner_id=_partner(calendar, writer),
        )

    def _release(self, row: RoomInvitation, calendar: CalendarInfo, writer: Principal) -> None:
        self.invitations.release(row, writer.account_id, _partner(calendar, writer))


def _waiting(parsed: Calendar, room_id: int, domain: str, request: invited_rooms.RoomRequest) -> bool:
    """NEEDS-ACTION and 1.2 on every date asked (all-day dates keep their DECLINED)."""
    answer = {d.key: (NEEDS_ACTION, "") for d in request.dates}
    return write_answer(parsed, room_id, domain, answer, PENDING)


def _partner(calendar: CalendarInfo, writer: Principal) -> int:
    return writer.partner_id or calendar.owner_partner_id or 0


def _uid(parsed: Calendar) -> str:
    master = invited_rooms.master_of(parsed) or next(iter(invited_rooms.events(parsed)), None)
    return str(master.get("UID", "")) if master is not None else ""
