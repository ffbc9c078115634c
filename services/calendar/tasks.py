"""Celery tasks the calendar service consumes, named "calendar.<verb>".

Each task: validate the payload against its contract, then in ONE transaction record the
message in the inbox and apply the effect, so a redelivered message changes nothing. Booking
messages carry the booking's whole state and a sequence: an older one (lower sequence) than
what the room calendar already shows is ignored. Database trouble is retried with backoff; a
message that can never be applied (its data refused by the calendar or the database) is
logged and refused for good: recorded, receipted, never retried.

calendar.pull_sources (beat, every minute) sends calendar.pull_source for each source that is
due; each pull claims its source's lease first, so a source is never pulled twice at once
(subscriptions/pull.py).

calendar.export_account / calendar.erase_account: an account's data for its export, or erased
(store/account_data.py), answered through shared.account_data.

calendar.engagement_shift: a shift of the Engagementbörse in its partner's calendar "Ehrenamt:
Schichten", read-only and not public, ordered by the shift's revision (store/sql_shift_calendars.py)."""

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
from services.calendar.fediverse import tasks as fediverse_tasks
from services.calendar.offerings import editing
from services.calendar.scheduling import answers as room_answers, renewal
from services.calendar.store import account_data as held, sql_held_dates, sql_public_index
from services.calendar.store.models import OutboxMessage, ProcessedMessage
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_invitations import Invitations
from services.calendar.store.sql_offering_rooms import OfferingRooms
from services.calendar.store.sql_room_directory import RoomDirectory
from services.calendar.store.sql_shift_calendars import apply_shift
from services.calendar.subscriptions import pull
from services.calendar.subscriptions.remote import PullSettings
from services.calendar.subscriptions.sealing import sealer_of

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
    RoomDirectory(session).record({**message, "name": name, "district": clean_text(message["district"] or "")})


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


def apply_room_invitation_answer(session, message: dict, domain: str) -> str:
    """A room's answer to an event it was invited to (scheduling/answers.py)."""
    return room_answers.apply(session, message, domain, utcnow())


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


def renew_invitations(factory, principal_of, domain: str, now: datetime, ceiling: int = RENEW_CEILING) -> int:
    """Schedule again the events whose invited rooms were answered and left alone for
    renewal.RENEW_AFTER (their year of dates moves on), one transaction each, at most `ceiling`
    a run; each is touched, so the next run takes the next ones."""
    with transaction(factory) as session:
        due = Invitations(session).renewal_due(now - renewal.RENEW_AFTER, ceiling)
    asked = 0
    for calendar_id, name, account_id in due:
        with transaction(factory) as session:
            asked += renewal.renew(session, calendar_id, name, account_id, principal_of, domain, now)
    return asked


def register(celery, app) -> None:
    register_relay(
        celery,
        "calendar",
        app.extensions["db"],
        OutboxMessage,
        ProcessedMessage,
        app.config["SETTINGS"].outbox_redeliver_seconds,
    )
    fediverse_tasks.register(celery, app)

    @celery.task(shared=False, name="calendar.room_changed", **RETRY)
    def room_changed(**payload):
        return _consume("calendar.room_changed", payload, apply_room_changed)

    @celery.task(shared=False, name="calendar.booking_changed", **RETRY)
    def booking_changed(**payload):
        return _consume("calendar.booking_changed", payload, apply_booking_changed)

    @celery.task(shared=False, name="calendar.engagement_shift", **RETRY)
    def engagement_shift(**payload):
        return _consume("calendar.engagement_shift", payload, apply_shift)

    @celery.task(shared=False, name="calendar.refresh_public", soft_time_limit=240, time_limit=300)
    def refresh_public():
        return refresh_public_index(app.extensions["db"])

    @celery.task(shared=False, name="calendar.record_dates", soft_time_limit=240, time_limit=300)
    def record_dates():
        return record_held_dates(app.extensions["db"], utcnow())

    @celery.task(shared=False, name="calendar.renew_rooms", soft_time_limit=240, time_limit=300)
    def renew_rooms_task():
        return renew_rooms(app.extensions["db"], utcnow())

    @celery.task(shared=False, name="calendar.renew_invitations", soft_time_limit=240, time_limit=300)
    def renew_invitations_task():
        identity = app.extensions["identity"]
        domain = app.config["SETTINGS"].room_mail_domain
        return renew_invitations(app.extensions["db"], identity.principal, domain, utcnow())

    @celery.task(shared=False, name="calendar.offering_room_answer", **RETRY)
    def offering_room_answer(**payload):
        return _consume("calendar.offering_room_answer", payload, apply_offering_room_answer)

    @celery.task(shared=False, name="calendar.room_invitation_answer", **RETRY)
    def room_invitation_answer(**payload):
        domain = app.config["SETTINGS"].room_mail_domain
        return _consume(
            "calendar.room_invitation_answer",
            payload,
            lambda session, message: apply_room_invitation_answer(session, message, domain),
        )

    @celery.task(shared=False, name="calendar.pull_sources", soft_time_limit=45, time_limit=55)
    def pull_sources():
        """Beat, every minute: a pull_source message for each source that is due."""
        due = pull.due_sources(app.extensions["db"], utcnow())
        for source_id in due:
            celery.send_task(
                "calendar.pull_source",
                kwargs={"source_id": source_id},
                queue="calendar",
                time_limit=None,
                soft_time_limit=None,
            )  # the worker's own limits
        return len(due)

    # a pull's fetch ends after fetch.TOTAL_SECONDS; the writes of 5,000 events fit well within
    @celery.task(shared=False, name="calendar.pull_source", soft_time_limit=240, time_limit=300)
    def pull_source(source_id: int):
        settings = app.config["SETTINGS"]
        pulled = PullSettings(allow_private=settings.sources_allow_private, sealer=sealer_of(settings))
        return pull.pull_source(app.extensions["db"], int(source_id), pulled, utcnow).state

    account_data.register(celery, "calendar", ProcessedMessage, OutboxMessage, held.gather, held.erase)
