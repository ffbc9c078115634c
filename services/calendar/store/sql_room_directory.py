"""The rooms the calendar knows (RoomDirectoryEntry beside each room's calendar): written by
calendar.room_changed, read by the rooms' CalDAV principals and free/busy."""

from __future__ import annotations

import json
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.calendar.domain.room_availability import WEEKDAYS, Availability
from services.calendar.domain.room_principals import Room
from services.calendar.store.models import Calendar, RoomDirectoryEntry

CEILING = 2000  # rooms read at once: a network has dozens; a search never reads more than this


class RoomDirectory:
    def __init__(self, session: Session):
        self.session = session

    def record(self, message: dict) -> None:
        """Keep what a loaded calendar.room_changed says, unless a newer revision is known."""
        room_id, revision = message["room_id"], message["revision"]
        entry = self.session.get(RoomDirectoryEntry, room_id, with_for_update=True)
        if entry is None:
            entry = RoomDirectoryEntry(room_id=room_id, revision=-1)
            self.session.add(entry)
        elif entry.revision > revision:
            return
        entry.name, entry.district = message["name"][:200], message["district"][:60]
        entry.capacity, entry.active, entry.revision = max(message["capacity"], 0), message["active"], revision
        entry.buffer_minutes = message["buffer_minutes"]
        entry.opening = json.dumps({day: [h["opens"], h["closes"]] for day, h in message["opening"].items()})
        entry.closures = json.dumps(
            [[c["first_day"].isoformat(), c["last_day"].isoformat()] for c in message["closures"]]
        )
        self.session.flush()

    def rooms(self) -> list[Room]:
        """Every bookable room with a calendar, by id. A room whose room_changed came before the
        directory existed counts as offered and shows its calendar's name."""
        return self._select(None)

    def room(self, room_id: int) -> Room | None:
        found = self._select(room_id)
        return found[0] if found else None

    def _select(self, room_id: int | None) -> list[Room]:
        query = (
            select(Calendar.room_id, Calendar.displayname, Calendar.description, RoomDirectoryEntry)
            .outerjoin(RoomDirectoryEntry, RoomDirectoryEntry.room_id == Calendar.room_id)
            .where(Calendar.kind == "room", Calendar.room_id.is_not(None))
            .order_by(Calendar.room_id)
            .limit(CEILING)
        )
        if room_id is not None:
            query = query.where(Calendar.room_id == room_id)
        rooms = []
        for rid, displayname, place, entry in self.session.execute(query):
            assert rid is not None  # the query asks for rooms' calendars only
            if entry is None:
                rooms.append(Room(rid, displayname, place=place))
            elif entry.active:
                place = _place(place, entry.district)
                rooms.append(Room(rid, entry.name, entry.district, place, entry.capacity, _availability(entry)))
        return rooms


def _place(description: str, district: str) -> str:
    """The calendar's description is "address, floor, district": the district is said apart."""
    parts = [p.strip() for p in description.split(",")]
    if parts and district and parts[-1] == district:
        parts.pop()
    return ", ".join(p for p in parts if p)


def _availability(entry: RoomDirectoryEntry) -> Availability:
    opening = json.loads(entry.opening or "{}")
    return Availability(
        entry.buffer_minutes or 0,
        tuple(
            (day, time.fromisoformat(opening[day][0]), time.fromisoformat(opening[day][1]))
            for day in WEEKDAYS
            if day in opening
        ),
        tuple((date.fromisoformat(a), date.fromisoformat(b)) for a, b in json.loads(entry.closures or "[]")),
    )
