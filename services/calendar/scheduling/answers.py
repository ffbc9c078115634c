"""A room's answer to an invitation (calendar.room_invitation_answer), written back.

Applied only when it answers the invitation last sent (its sequence is the row's) and is newer,
by (sequence, booking_sequence), than the answer applied before: rooms sends one after each
invitation and again whenever the booking changes (one that changes no date's answer is only
recorded). The organizer's copy is rewritten with the
schedule tag kept (an attendee's answer, RFC 6638 §3.2.10; its ETag changes, so clients fetch
it), and the room's REPLY goes into the organizer's schedule inbox. An event deleted meanwhile
was released with a higher sequence: its answer is stale."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.calendar.domain.calendar_data import InvalidCalendarData
from services.calendar.domain.ical import parse_calendar
from services.calendar.domain.room_answers import reply, write_answer
from services.calendar.store.models import RoomInvitation
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_invitations import Invitations, answer_of, asked_keys
from services.calendar.store.sql_room_directory import RoomDirectory
from services.calendar.store.sql_schedule_inbox import ScheduleInbox


def apply(session, message: dict[str, Any], domain: str, now: datetime) -> str:
    """What happened: "stale", "stored" (recorded, nothing to write) or "applied"."""
    invitations = Invitations(session)
    found = invitations.by_invitation(message["invitation_uid"], message["room_id"])
    if found is None:
        return "stale"
    invitations.lock_calendar(found.calendar_id)  # the store's lock first, as a PUT takes them
    row = invitations.by_invitation(message["invitation_uid"], message["room_id"], lock=True)
    assert row is not None  # rows are never deleted but with their calendar, which is locked now
    answered = (message["sequence"], message["booking_sequence"])
    if message["sequence"] != row.sequence or answered <= (row.answered_sequence, row.booking_sequence):
        return "stale"
    answer = per_key(row, message)
    before = answer_of(row)
    invitations.record_answer(row, message, {k: list(v) for k, v in answer.items()})
    if not row.fingerprint or message["state"] == "released" or not answer or answer == before:
        return "stored"  # nothing to tell: a change of the booking that leaves every date's answer
    store = SqlStore(session)
    obj = store.get(row.calendar_id, row.object_name)
    if obj is None or obj.uid != row.uid or obj.data is None:
        return "stored"
    try:
        calendar = parse_calendar(obj.data)
    except InvalidCalendarData:
        return "stored"  # stored before today's checks: left as it is
    if write_answer(calendar, row.room_id, domain, answer):
        store.put(row.calendar_id, row.object_name, calendar.to_ical(), keep_schedule_tag=True)
    if row.account_id is not None:
        room = RoomDirectory(session).room(row.room_id)
        name = room.name if room is not None else f"Raum {row.room_id}"
        ScheduleInbox(session).deliver(row.account_id, reply(calendar, row.room_id, name, domain, answer, now))
    return "applied"


def per_key(row: RoomInvitation, message: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(PARTSTAT, reason) for each date asked: as answered; a refusal declines every date."""
    given = {d["key"]: (d["partstat"], d["reason"]) for d in message["dates"]}
    out = {}
    for key in asked_keys(row):
        if key in given:
            out[key] = given[key]
        elif message["state"] == "refused":
            out[key] = ("DECLINED", message["reason"])
    return out
