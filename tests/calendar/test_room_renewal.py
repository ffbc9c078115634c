"""An open-ended offering's room is booked a year ahead; calendar.renew_rooms (from beat) asks
rooms again before that year runs out: once per offering whatever how often it runs, at most a
ceiling a run, never for an offering that is gone or asks for a room no longer."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from shared import contracts
from shared.db import transaction

from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.offering_draft import OfferingDraft, Repeat
from services.calendar.domain.room_wish import BOOKED_AHEAD
from services.calendar.offerings import editing
from services.calendar.store.models import OfferingRoom, OutboxMessage
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_offering_rooms import OfferingRooms
from services.calendar.tasks import renew_rooms

NOW = datetime.now(timezone.utc).replace(microsecond=0)
LATER = NOW + timedelta(days=310)  # the year asked for ends within two months


def _today(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


@pytest.fixture
def offering(calendar_app, people, run_task):
    """A weekly offering without end in Otto's calendar with room 7, booked there."""
    otto = people["otto"]

    def make(title: str = "Kochkurs für Väter") -> tuple[str, str]:
        draft = OfferingDraft(
            title=title,
            day=_today(NOW) + timedelta(days=1),
            starts=time(10),
            ends=time(12),
            repeat=Repeat("weekly"),
            room_id=7,
        )
        with transaction(calendar_app.extensions["db"]) as session:
            store = SqlStore(session)
            calendar = editing.home_calendar(store, otto["partner_id"], "AWO Begegnungsstätte Nord")
            name = editing.create(store, calendar, draft, NOW)
            editing.ask_for_room(
                OfferingRooms(session), store, calendar, name, editing.Asker(otto["id"], otto["partner_id"]), NOW
            )
            uid = editing.load(store, calendar, name).uid
        answer = dict(
            offering_uid=uid, sequence=1, state="booked", room_id=7, booking_id=11, booking_status="confirmed"
        )
        assert run_task("calendar.offering_room_answer", contracts.build("calendar.offering_room_answer", **answer))
        return uid, name

    return make


def _row(calendar_app, uid: str) -> OfferingRoom:
    with calendar_app.extensions["db"]() as s:
        return s.scalar(select(OfferingRoom).where(OfferingRoom.offering_uid == uid))


def _wishes(calendar_app, uid: str) -> list[dict]:
    with calendar_app.extensions["db"]() as s:
        rows = s.scalars(
            select(OutboxMessage).where(OutboxMessage.task_name == "rooms.book_for_offering").order_by(OutboxMessage.id)
        )
        loaded = [contracts.load("rooms.book_for_offering", json.loads(r.payload)) for r in rows]
    return [w for w in loaded if w["offering_uid"] == uid]


def test_an_open_ended_offerings_room_is_asked_for_again_before_its_year_runs_out(
    calendar_app, people, offering, run_task
):
    uid, _name = offering()
    row = _row(calendar_app, uid)
    assert row.booked_until == _today(NOW) + BOOKED_AHEAD and row.account_id == people["otto"]["id"]

    assert renew_rooms(calendar_app.extensions["db"], NOW) == 0, "a year ahead: nothing to do yet"
    assert renew_rooms(calendar_app.extensions["db"], LATER) == 1
    first, again = _wishes(calendar_app, uid)
    assert again["sequence"] == 2 and again["room_id"] == 7 and again["account_id"] == people["otto"]["id"]
    assert again["repeat"]["until"] == _today(LATER) + BOOKED_AHEAD > first["repeat"]["until"]
    assert _row(calendar_app, uid).booked_until == _today(LATER) + BOOKED_AHEAD

    # run again (or the task delivered twice): asked once
    assert renew_rooms(calendar_app.extensions["db"], LATER) == 0
    assert run_task("calendar.renew_rooms", {}) == 0 and len(_wishes(calendar_app, uid)) == 2


def test_a_run_renews_at_most_its_ceiling_and_the_next_run_the_rest(calendar_app, offering):
    uids = [offering(f"Angebot {n}")[0] for n in range(3)]
    factory = calendar_app.extensions["db"]
    assert [renew_rooms(factory, LATER, ceiling=2) for _ in range(3)] == [2, 1, 0]
    assert all(len(_wishes(calendar_app, uid)) == 2 for uid in uids)


def test_an_offering_gone_or_with_a_declined_booking_is_not_asked_for_again(calendar_app, offering, run_task):
    gone, name = offering("Gelöscht im Kalenderprogramm")
    declined, _ = offering("Abgelehnt")
    with transaction(calendar_app.extensions["db"]) as session:  # as a CalDAV client deletes it
        store = SqlStore(session)
        calendar = next(c for c in store.calendars() if c.kind == "partner")
        store.delete(calendar.id, name)
    with transaction(calendar_app.extensions["db"]) as session:
        OfferingRooms(session).booking_changed(declined, 11, "declined")

    assert renew_rooms(calendar_app.extensions["db"], LATER) == 0
    assert _row(calendar_app, gone).booked_until is None
    assert len(_wishes(calendar_app, gone)) == 1 and len(_wishes(calendar_app, declined)) == 1
