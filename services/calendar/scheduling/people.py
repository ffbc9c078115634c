"""The organizer's writes, for the people invited (domain/invited_people.py): the server sends
the invitations itself (iMIP through notify.itip_request, in the request's transaction), since
calendar programs leave that to a server advertising calendar-auto-schedule.

A person whose part of the event changed (or who is new) gets a REQUEST and SCHEDULE-STATUS
1.1; one taken off a date of the series gets a CANCEL of that date; one taken off the event,
and everyone of a deleted event, a CANCEL of it all. An address notify cannot mail gets 3.7,
people beyond invited_people.MAX_PEOPLE 5.3, and 5.1 all whom an event too big to mail
would have gone to; none of them is sent anything."""

from __future__ import annotations

import json

from icalendar import Calendar, vCalAddress
from marshmallow import ValidationError, validate
from sqlalchemy.orm import Session

from shared.identity.store import Principal

from services.calendar.domain import invited_people
from services.calendar.domain.calendar_data import InvalidCalendarData
from services.calendar.domain.ical import parse_calendar
from services.calendar.domain.invited_people import (
    INVALID,
    MAX_MESSAGE,
    NOT_DELIVERED,
    REFUSED_HERE,
    SENT,
    Invitation,
    email_of,
    mark,
)
from services.calendar.domain.invited_rooms import DEFAULT_TITLE, master_of
from services.calendar.domain.schedule_tag import is_scheduling_object
from services.calendar.store.models import InvitedPerson
from services.calendar.store.records import CalendarInfo
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_invited_people import InvitedPeople, Itip, dropped_of

EMAIL = validate.Email()


class PeopleScheduling:
    """One request's messages to the people of an organizer's events; the caller has locked the calendar."""

    def __init__(self, session: Session, room_mail_domain: str):
        self.rows, self.store, self.domain = InvitedPeople(session), SqlStore(session), room_mail_domain

    def any_invited(self, calendar_id: int, name: str) -> bool:
        return bool(self.rows.of_object(calendar_id, name, lock=False))

    def put(self, calendar: CalendarInfo, name: str, uid: str, parsed: Calendar, writer: Principal) -> bool:
        """Send what this version of the event asks; True if `parsed` changed (SCHEDULE-STATUS)."""
        own = [f"mailto:{writer.email}"] if writer.email else []
        invited = invited_people.people_of(parsed, own, self.domain)
        rows: dict[str, InvitedPerson] = {}
        asked: list[tuple[InvitedPerson, Invitation]]
        for row in self.rows.of_event(calendar.id, name, uid):
            if row.uid == uid:
                rows[row.address] = row
            elif row.fingerprint:  # another event was at this name before: it is gone
                self._cancel(row, self._stored(calendar.id, row.object_name), writer)
        if invited is None:
            if not is_scheduling_object(parsed):  # no ORGANIZER any more: nobody is invited
                for row in rows.values():
                    self._cancel(row, parsed, writer)
            return False  # else another organizer's event: theirs to send
        organizer = _organizer(parsed, writer)
        if organizer is None:  # an address notify cannot send from: nothing is sent, nothing marked
            return False
        changed, asked = False, []  # asked: (row, invitation) to send a REQUEST
        for address, invitation in invited.people.items():
            row = rows.pop(address) if address in rows else self.rows.row(calendar.id, uid, address)
            if not _mailable(address):
                changed |= mark(parsed, address, INVALID)
                if row.fingerprint:
                    self._cancel(row, parsed, writer)
                continue
            row.object_name = name
            if row.fingerprint != invitation.fingerprint or not set(dropped_of(row)) <= set(invitation.dropped):
                asked.append((row, invitation))
            elif row.fingerprint and set(invitation.dropped) - set(dropped_of(row)):
                self._cancel(row, parsed, writer, sorted(set(invitation.dropped) - set(dropped_of(row))))
                _remember(row, invitation, invited)
            changed |= mark(parsed, address, SENT)
        for address in invited.beyond_limit:
            changed |= mark(parsed, address, REFUSED_HERE)
            if address in rows and rows[address].fingerprint:
                self._cancel(rows.pop(address), parsed, writer)
        for row in rows.values():  # taken off the event
            if row.fingerprint:
                self._cancel(row, parsed, writer)
        ics = invited_people.request(parsed) if asked else b""  # built once for all
        if len(ics) > MAX_MESSAGE:  # too big to mail: not sent, asked again by the next PUT
            for row, _ in asked:
                changed |= mark(parsed, row.address, NOT_DELIVERED)
        elif asked:
            for row, invitation in asked:
                self._request(calendar, row, invitation, invited, ics, organizer, writer)
        return changed

    def delete(self, calendar: CalendarInfo, name: str, writer: Principal) -> None:
        """The event at `name` goes: everyone still invited gets a CANCEL."""
        rows = self.rows.of_object(calendar.id, name)
        if rows:
            stored = self._stored(calendar.id, name)
            for row in rows:
                self._cancel(row, stored, writer)

    def delete_calendar(self, calendar: CalendarInfo, writer: Principal) -> None:
        stored: dict[str, Calendar | None] = {}
        for row in self.rows.of_calendar(calendar.id):
            if row.object_name not in stored:
                stored[row.object_name] = self._stored(calendar.id, row.object_name)
            self._cancel(row, stored[row.object_name], writer)

    def _request(
        self,
        calendar: CalendarInfo,
        row: InvitedPerson,
        invitation: Invitation,
        invited: invited_people.InvitedPeople,
        ics: bytes,
        organizer: tuple[str, str],
        writer: Principal,
    ) -> None:
        count = row.requests or 0
        self.rows.send(
            row,
            Itip(
                method="REQUEST",
                request_id=invited_people.request_id(
                    "REQUEST", calendar.id, row.uid, row.address, invitation.whole, count
                ),
                organizer_email=organizer[0],
                organizer_name=organizer[1],
                summary=invited.summary or DEFAULT_TITLE,
                ics=ics,
                account_id=writer.account_id,
            ),
        )
        _remember(row, invitation, invited)

    def _cancel(
        self, row: InvitedPerson, event: Calendar | None, writer: Principal, keys: list[str] | None = None
    ) -> None:
        """A CANCEL of the whole event (keys None: the person is no longer invited) or of some dates."""
        master = master_of(event) if event is not None else None
        sequence = invited_people.sequence_of(master) if master is not None else row.sequence
        organizer = _organizer(event, writer) if event is not None else None
        organizer = organizer or ((writer.email, writer.display_name) if _mailable(writer.email) else None)
        if organizer is not None:
            ics = invited_people.cancel(event, row.uid, sequence, row.address, f"mailto:{organizer[0]}", keys or ())
            summary = str(master.get("SUMMARY", "")).strip() if master is not None else row.summary
            count = row.requests or 0
            what = f"{row.fingerprint}:{','.join(keys or [])}"
            self.rows.send(
                row,
                Itip(
                    method="CANCEL",
                    request_id=invited_people.request_id("CANCEL", row.calendar_id, row.uid, row.address, what, count),
                    organizer_email=organizer[0],
                    organizer_name=organizer[1],
                    summary=summary or DEFAULT_TITLE,
                    ics=ics,
                    account_id=writer.account_id,
                ),
            )
        if keys is None:
            row.fingerprint, row.dropped = "", "[]"
        row.sequence = sequence + 1

    def _stored(self, calendar_id: int, name: str) -> Calendar | None:
        obj = self.store.get(calendar_id, name)
        if obj is None or obj.data is None:
            return None
        try:
            return parse_calendar(obj.data)
        except InvalidCalendarData:
            return None


def _remember(row: InvitedPerson, invitation: Invitation, invited: invited_people.InvitedPeople) -> None:
    row.fingerprint, row.dropped = invitation.fingerprint, json.dumps(list(invitation.dropped))
    row.sequence, row.summary = invited.sequence, invited.summary[:200]


def _organizer(event: Calendar, writer: Principal) -> tuple[str, str] | None:
    """(email, name) of the event's ORGANIZER (its CN, else the writer's name); None if unmailable."""
    master = master_of(event)
    found = master.get("ORGANIZER") if master is not None else None
    if not isinstance(found, vCalAddress):
        return None
    email = email_of(str(found).strip())
    name = str(found.params.get("CN", "")).strip()
    if email.lower() == writer.email.lower():
        name = name or writer.display_name
    return (email, name) if _mailable(email) else None


def _mailable(address: str) -> bool:
    if len(address) > 254:  # RFC 5321's longest path (and the row's column)
        return False
    try:
        EMAIL(email_of(address))
    except ValidationError:
        return False
    return True
