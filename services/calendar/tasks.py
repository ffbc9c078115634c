"""Celery tasks the calendar service consumes, named "calendar.<verb>".

Each task: validate the payload against its contract, then in ONE transaction record the
message in the inbox and apply the effect, so a redelivered message changes nothing. Booking
messages carry the booking's whole state and a sequence: an older one (lower sequence) than
what the room calendar already shows is ignored. Database trouble is retried with backoff; a
message that can never be applied (its data refused by the calendar or the database) is
logged and refused for good: recorded, receipted, never retried.

calendar.export_account / calendar.erase_account: an account's data for its export, or erased
(store/account_data.py), answered through shared.account_data."""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote

from sqlalchemy.exc import DataError

from shared import account_data
from shared.clock import utcnow
from shared.consumer import consume
from shared.db import transaction
from shared.messaging import consumer_retry
from shared.relay import register_relay

from services.calendar.domain.booking import booking_resource, clean_text
from services.calendar.domain.calendar_data import LOCAL, InvalidCalendarData
from services.calendar.domain.room_wish import RENEW_BEFORE
from services.calendar.offerings import editing
from services.calendar.store import account_data as held, sql_held_dates, sql_public_index
from services.calendar.store.models import OutboxMessage, ProcessedMessage
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_offering_rooms import OfferingRooms

log = logging.getLogger(__name__)
RETRY = consumer_retry()
# what no retry can change: the calendar refuses the data, or the database its values
PERMANENT = (InvalidCalendarData, DataError, ValueError)
REFRESH_BATCHES = 50  # of sql_public_index.REFRESH_BATCH objects: 10,000 a run
RECORD_SLICES = 93  # days of dates recorded a run: more than the index keeps, so one run catches up
RENEW_CEILING = 100  # offerings whose room is asked for again in one run; the next run takes the rest


def object_name(uid: str) -> str:
    """The href segment of a booking's resource: its UID, made safe for a path."""
    return quote(uid.replace("/", "_"), safe="@-_.") + ".ics"


def apply_room_changed(session, message: dict) -> None:
    name = clean_text(message["name"]) or f"Raum {message['room_id']}"
    room_name = (name if message["active"] else f"{name} (nicht mehr angeboten)")[:200]  # the column's width
    place = (message["address"], message["floor"], message["district"])
    details = ", ".join(filter(None, (clean_text(part or "") for part in place)))
    SqlStore(session).ensure_room_calendar(
        message["room_id"], displayname=room_name, description=details, room_revision=message["revision"]
    )


def apply_booking_changed(session, message: dict) -> str:
    """Returns what happened: "stale", "stored" or "removed"."""
    store = SqlStore(session)
    calendar = store.ensure_room_calendar(message["room_id"])
    name = object_name(message["uid"])
    known = store.latest_by_uid(calendar.id, message["uid"])
    if known is not None and (known.source_sequence or 0) > message["sequence"]:
        return "stale"
    data = booking_resource(message, room_name=calendar.displayname)
    if data is None:
        store.retire(calendar.id, message["uid"], name, message["sequence"])
        if message["offering_uid"]:
            OfferingRooms(session).booking_changed(message["offering_uid"], message["booking_id"], message["status"])
        return "removed"
    if message["offering_uid"]:
        OfferingRooms(session).booking_changed(message["offering_uid"], message["booking_id"], message["status"])
    if known is not None and known.data == data:
        return "stored"  # the same state again: nothing changes, not even the revision
    store.put(calendar.id, name, data, source_sequence=message["sequence"])
    return "stored"


def apply_offering_room_answer(session, message: dict) -> str:
    return "stored" if OfferingRooms(session).answered(message) else "stale"


def _consume(task_name: str, payload: dict, apply) -> str:
    return consume(task_name, ProcessedMessage, payload, apply, permanent=PERMANENT)


def refresh_public_index(factory, batches: int = REFRESH_BATCHES) -> int:
    """Move the public pages' index window on (and index objects stored before it existed), a
    batch per transaction, at most `batches` of them a run: the next run takes the rest."""
    total = 0
    for _ in range(batches):
        with transaction(factory) as session:
            done = sql_public_index.refresh(session, utcnow())
        total += done
        if done < sql_public_index.REFRESH_BATCH:
            break
    return total


def record_held_dates(factory, now: datetime, slices: int = RECORD_SLICES) -> int:
    """Copy the public dates that began before `now` since the last run into the calendar's
    history, a day per transaction, at most `slices` days a run (the next run goes on from its
    mark); returns how many dates were recorded. A second run right after records nothing."""
    total = 0
    for _ in range(slices):
        with transaction(factory) as session:
            recorded, more = sql_held_dates.record(session, now)
        total += recorded
        if not more:
            break
    return total


def renew_rooms(factory, now: datetime, ceiling: int = RENEW_CEILING) -> int:
    """Ask rooms again for the rooms of open-ended offerings whose asked-for days end within
    room_wish.RENEW_BEFORE, one transaction each, at most `ceiling` a run. Asking moves the
    offering's booked_until on, so a second run (or a redelivered task) finds them no longer due."""
    with transaction(factory) as session:
        due = OfferingRooms(session).renewal_due(now.astimezone(LOCAL).date() + RENEW_BEFORE, ceiling)
        calendars = {c.id: c for c in SqlStore(session).calendars()}
    renewed = 0
    for uid, calendar_id, account_id in due:
        with transaction(factory) as session:
            rooms, calendar = OfferingRooms(session), calendars.get(calendar_id)
            if calendar is None:
                rooms.booked_until(uid, None)
            elif editing.renew_room(rooms, SqlStore(session), calendar, uid, account_id, now):
                renewed += 1
    return renewed


def register(celery, app) -> None:
    register_relay(
        celery,
        "calendar",
        app.extensions["db"],
        OutboxMessage,
        ProcessedMessage,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )

    @celery.task(shared=False, name="calendar.room_changed", **RETRY)
    def room_changed(**payload):
        return _consume("calendar.room_changed", payload, apply_room_changed)

    @celery.task(shared=False, name="calendar.booking_changed", **RETRY)
    def booking_changed(**payload):
        return _consume("calendar.booking_changed", payload, apply_booking_changed)

    @celery.task(shared=False, name="calendar.refresh_public", soft_time_limit=240, time_limit=300)
    def refresh_public():
        return refresh_public_index(app.extensions["db"])

    @celery.task(shared=False, name="calendar.record_dates", soft_time_limit=240, time_limit=300)
    def record_dates():
        return record_held_dates(app.extensions["db"], utcnow())

    @celery.task(shared=False, name="calendar.renew_rooms", soft_time_limit=240, time_limit=300)
    def renew_rooms_task():
        return renew_rooms(app.extensions["db"], utcnow())

    @celery.task(shared=False, name="calendar.offering_room_answer", **RETRY)
    def offering_room_answer(**payload):
        return _consume("calendar.offering_room_answer", payload, apply_offering_room_answer)

    account_data.register(celery, "calendar", ProcessedMessage, OutboxMessage, held.gather, held.erase)
