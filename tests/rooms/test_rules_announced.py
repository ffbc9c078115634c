"""A room's rules and closures reach the calendar: changing them gives each room concerned a new
revision and a calendar.room_changed with its buffer, opening hours and closures, which the
calendar's consumer takes as its contract says (both sides of the message in one test)."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from shared import contracts
from shared.db import transaction

from services.calendar.store.sql_room_directory import RoomDirectory
from services.cli import main
from services.rooms.booking.rules import add_closure, change_rules, remove_closure
from services.rooms.db.models import ClosureRow, OutboxMessage

from tests.support.rooms import run

DAY = date(2026, 3, 4)


def _announced(rooms_app) -> dict[int, dict]:
    """The latest room_changed per room, as the calendar would load it."""
    with rooms_app.extensions["db"]() as s:
        rows = (
            s.query(OutboxMessage).filter(OutboxMessage.task_name == "calendar.room_changed").order_by(OutboxMessage.id)
        )
        return {m["room_id"]: m for m in (contracts.load(r.task_name, json.loads(r.payload)) for r in rows)}


def test_rules_and_closures_are_announced_to_the_calendar(rooms_app, calendar_app, rooms, people):
    lena = rooms_app.extensions["identity"].principal(people["lena"]["id"])
    factory = rooms_app.extensions["db"]
    hours = {k: ["08:00", "20:00"] for k in ("mo", "di", "mi", "do", "fr")}
    run(factory, change_rules, lena, rooms["saal"], {"opening": hours, "buffer_minutes": 30})
    saal = _announced(rooms_app)[rooms["saal"]]
    assert (saal["revision"], saal["buffer_minutes"], saal["closures"]) == (1, 30, [])
    assert saal["opening"]["mo"] == {"opens": "08:00", "closes": "20:00"} and "sa" not in saal["opening"]

    run(factory, add_closure, lena, rooms["saal"], {"first_day": DAY, "last_day": DAY, "all_rooms": True})
    announced = _announced(rooms_app)
    # a closure of all rooms of Lena's partner reaches both of them, not Otto's Clubraum
    assert announced[rooms["saal"]]["closures"] == [{"first_day": DAY, "last_day": DAY}]
    assert announced[rooms["kueche"]]["closures"] == [{"first_day": DAY, "last_day": DAY}]
    assert announced[rooms["kueche"]]["revision"] == 1 and announced[rooms["saal"]]["revision"] == 2
    assert announced[rooms["club"]]["revision"] == 0

    # the calendar keeps what the message says
    celery = calendar_app.extensions["celery"]
    for room_id in (rooms["saal"], rooms["kueche"]):
        payload = json.loads(json.dumps(contracts.jsonable(announced[room_id])))
        celery.tasks["calendar.room_changed"].apply(kwargs=payload).get()
    with transaction(calendar_app.extensions["db"]) as s:
        saal_known = RoomDirectory(s).room(rooms["saal"])
    assert saal_known is not None
    assert saal_known.availability.buffer_minutes == 30
    assert saal_known.availability.closures == ((DAY, DAY),)
    assert [day for day, _, _ in saal_known.availability.opening] == ["mo", "di", "mi", "do", "fr"]

    with factory() as s:
        closure_id = s.query(ClosureRow.id).filter(ClosureRow.room_id.is_(None)).scalar()
    run(factory, remove_closure, lena, rooms["kueche"], closure_id)
    announced = _announced(rooms_app)
    assert announced[rooms["saal"]]["closures"] == [] and announced[rooms["kueche"]]["closures"] == []
    assert announced[rooms["saal"]]["revision"] == 3


def test_announce_rooms_after_an_upgrade(rooms_app, rooms, settings, monkeypatch):
    """`treffpunkt announce-rooms` tells the calendar every room again, each with a new revision."""
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)
    before = _announced(rooms_app)
    answer = CliRunner().invoke(main, ["announce-rooms"], catch_exceptions=False)
    assert answer.exit_code == 0 and "3 rooms announced to the calendar" in answer.output
    after = _announced(rooms_app)
    assert {r: m["revision"] for r, m in after.items()} == {r: m["revision"] + 1 for r, m in before.items()}
