"""Contracts, the transactional outbox and the inbox, against real PostgreSQL and Redis."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import redis
from marshmallow import ValidationError
from sqlalchemy import text

from shared import contracts, outbox
from shared.db import make_engine, make_session_factory, transaction
from shared.messaging import make_celery


def _booking_changed(**overrides):
    start = datetime(2030, 3, 5, 14, 0, tzinfo=timezone.utc)
    values = dict(
        booking_id=7,
        uid="booking-7@treffpunkt-jena.de",
        sequence=0,
        room_id=3,
        partner_id=2,
        title="Elterncafé",
        status="confirmed",
        occurrences=[{"starts_at": start, "ends_at": start + timedelta(hours=1)}],
    )
    values.update(overrides)
    return values


def test_contract_round_trip_gives_plain_json():
    message = contracts.build("calendar.booking_changed", **_booking_changed())
    assert json.loads(json.dumps(message)) == message
    loaded = contracts.load("calendar.booking_changed", message)
    assert loaded["occurrences"][0]["starts_at"].tzinfo is not None


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "maybe"},
        {"occurrences": [{"starts_at": "2030-03-05T15:00:00+00:00", "ends_at": "2030-03-05T14:00:00+00:00"}]},
        {"occurrences": [{"starts_at": "2030-03-05T15:00:00", "ends_at": "2030-03-05T16:00:00"}]},  # naive
        {"title": ""},
    ],
)
def test_contract_rejects_bad_payloads(bad):
    with pytest.raises(ValidationError):
        contracts.build("calendar.booking_changed", **_booking_changed(**bad))


def test_unknown_contract_or_version_is_refused():
    with pytest.raises(contracts.UnknownContract):
        contracts.build("calendar.booking_changed", version=99, **_booking_changed())
    with pytest.raises(contracts.UnknownContract):
        contracts.queue_of("elsewhere.thing")


@pytest.fixture
def rooms_outbox(rooms_app):
    """The rooms database through sessions without the app's publish-after-commit hook: as for
    a process that died right after its commit, the rows wait for a relay."""
    from services.rooms.db.models import OutboxMessage

    return make_session_factory(rooms_app.extensions["db_engine"]), OutboxMessage


def test_a_commit_that_queued_messages_publishes_them(settings, rooms_app):
    from services.rooms.db.models import OutboxMessage

    redis.Redis.from_url(settings.broker_url).delete("calendar")
    with transaction(rooms_app.extensions["db"]) as session:
        message_id = outbox.add(session, OutboxMessage, "calendar.booking_changed", **_booking_changed())
    with rooms_app.extensions["db"]() as session:
        row = session.query(OutboxMessage).filter_by(message_id=message_id).one()
        assert row.sent_at is not None and row.attempts == 1
    queued = redis.Redis.from_url(settings.broker_url).lrange("calendar", 0, -1)
    assert [json.loads(q)["headers"]["task"] for q in queued] == ["calendar.booking_changed"]


@pytest.mark.parametrize("savepoint", ["released", "rolled back"])
def test_messages_queued_before_a_savepoint_go_out_with_the_outer_commit(settings, rooms_app, savepoint):
    """SQLAlchemy reports a released SAVEPOINT (begin_nested) as a commit too: the relay must
    wait for the outer one, which alone makes the row visible (a CalDAV PUT queues a room's
    invitation, then stores the event inside a savepoint)."""
    from services.rooms.db.models import OutboxMessage

    redis.Redis.from_url(settings.broker_url).delete("calendar")
    with transaction(rooms_app.extensions["db"]) as session:
        message_id = outbox.add(session, OutboxMessage, "calendar.booking_changed", **_booking_changed())
        nested = session.begin_nested()
        session.execute(text("SELECT 1"))
        nested.commit() if savepoint == "released" else nested.rollback()
    with rooms_app.extensions["db"]() as session:
        row = session.query(OutboxMessage).filter_by(message_id=message_id).one()
        assert row.sent_at is not None and row.attempts == 1
    queued = redis.Redis.from_url(settings.broker_url).lrange("calendar", 0, -1)
    assert [json.loads(q)["headers"]["task"] for q in queued] == ["calendar.booking_changed"]


def test_a_rolled_back_unit_of_work_publishes_nothing(settings, rooms_app):
    from services.rooms.db.models import OutboxMessage

    redis.Redis.from_url(settings.broker_url).delete("calendar")
    with pytest.raises(RuntimeError), transaction(rooms_app.extensions["db"]) as session:
        outbox.add(session, OutboxMessage, "calendar.booking_changed", **_booking_changed())
        raise RuntimeError("refused")
    with rooms_app.extensions["db"]() as session:  # a later commit of a session that queued nothing
        session.execute(text("SELECT 1"))
        session.commit()
        assert session.query(OutboxMessage).count() == 0
    assert redis.Redis.from_url(settings.broker_url).llen("calendar") == 0


def test_outbox_row_waits_while_broker_is_down_then_goes_out_once(settings, rooms_app, rooms_outbox):
    factory, model = rooms_outbox
    with transaction(factory) as session:
        message_id = outbox.add(session, model, "calendar.booking_changed", **_booking_changed())

    dead = rooms_app.__class__(rooms_app.import_name)
    dead.config["SETTINGS"] = replace(settings, broker_url="redis://127.0.0.1:1/0")
    dead_celery = make_celery(dead, "rooms")
    assert outbox.relay(factory, model, dead_celery) == (0, 1)
    with factory() as session:
        row = session.query(model).one()
        assert row.sent_at is None and row.attempts == 1 and row.last_error
        row.next_attempt_at = datetime.now(timezone.utc)  # skip the backoff wait
        session.commit()

    live_celery = rooms_app.extensions["celery"]
    assert outbox.relay(factory, model, live_celery) == (1, 0)
    assert outbox.relay(factory, model, live_celery) == (0, 0)
    queued = redis.Redis.from_url(settings.broker_url).lrange("calendar", 0, -1)
    assert len(queued) == 1
    body = json.loads(queued[0])
    assert body["headers"]["task"] == "calendar.booking_changed"
    # what monitoring shows of it is its id, not a repr of the payload (titles, names, addresses)
    assert body["headers"]["kwargsrepr"] == f"{{'message_id': '{message_id}'}}"


def test_relay_backs_off_after_a_failure(settings, rooms_app, rooms_outbox):
    factory, model = rooms_outbox
    with transaction(factory) as session:
        outbox.add(session, model, "calendar.booking_changed", **_booking_changed())
    dead = rooms_app.__class__(rooms_app.import_name)
    dead.config["SETTINGS"] = replace(settings, broker_url="redis://127.0.0.1:1/0")
    outbox.relay(factory, model, make_celery(dead, "rooms"))
    # not due yet: even a working broker does not get it before the backoff has passed
    assert outbox.relay(factory, model, rooms_app.extensions["celery"]) == (0, 0)


def test_inbox_sees_each_message_once(calendar_app):
    from services.calendar.store.models import ProcessedMessage

    factory = calendar_app.extensions["db"]
    with transaction(factory) as session:
        assert outbox.first_time(session, ProcessedMessage, "calendar.booking_changed", "m-1")
    with transaction(factory) as session:
        assert not outbox.first_time(session, ProcessedMessage, "calendar.booking_changed", "m-1")
        assert outbox.first_time(session, ProcessedMessage, "calendar.booking_changed", "m-2")


def test_sqlite_takes_the_write_lock_at_begin(tmp_path):
    """make run's SQLite: two writers cannot both read-then-write; the second waits."""
    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    factory = make_session_factory(engine)
    first = factory()
    first.execute(text("SELECT count(*) FROM t"))
    import sqlite3

    other = sqlite3.connect(tmp_path / "x.db", timeout=0.1, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.close()
    first.rollback()
    first.close()


def _row(factory, model):
    with factory() as session:
        return session.query(model).one()


def _due_now(factory, model):
    """Skip the wait for a receipt, as if that much time had passed."""
    with factory() as session:
        for row in session.query(model):
            row.next_attempt_at = datetime.now(timezone.utc)
        session.commit()


def test_open_row_goes_out_again_until_its_receipt_arrives(settings, rooms_app, rooms_outbox):
    factory, model = rooms_outbox
    celery = rooms_app.extensions["celery"]
    with transaction(factory) as session:
        message_id = outbox.add(session, model, "calendar.booking_changed", **_booking_changed())
    assert json.loads(_row(factory, model).payload)["sender"] == "rooms"  # where the receipt goes

    assert outbox.relay(factory, model, celery, redeliver_after=600) == (1, 0)
    assert outbox.relay(factory, model, celery, redeliver_after=600) == (0, 0)  # its receipt is not overdue
    first = _row(factory, model)
    assert first.next_attempt_at - first.sent_at == timedelta(seconds=600)

    _due_now(factory, model)
    assert outbox.relay(factory, model, celery, redeliver_after=600) == (1, 0)  # no receipt: again
    second = _row(factory, model)
    assert second.next_attempt_at - second.sent_at == timedelta(seconds=1200)  # and waits twice as long
    assert redis.Redis.from_url(settings.broker_url).llen("calendar") == 2

    assert outbox.confirm(factory, model, [message_id]) == 1
    assert outbox.confirm(factory, model, [message_id]) == 0  # a second receipt changes nothing
    _due_now(factory, model)
    assert outbox.relay(factory, model, celery, redeliver_after=600) == (0, 0)


def test_confirmed_rows_are_purged_after_a_week(rooms_app, rooms_outbox):
    factory, model = rooms_outbox
    with transaction(factory) as session:
        kept = outbox.add(session, model, "calendar.booking_changed", **_booking_changed())
        old = outbox.add(session, model, "calendar.booking_changed", **_booking_changed(booking_id=8))
        still_open = outbox.add(session, model, "calendar.booking_changed", **_booking_changed(booking_id=9))
    outbox.confirm(factory, model, [kept, old])
    with factory() as session:
        long_ago = datetime.now(timezone.utc) - timedelta(days=8)
        for row in session.query(model).filter(model.message_id.in_([old, still_open])):
            row.created_at = long_ago
            row.confirmed_at = long_ago if row.message_id == old else None
        session.commit()
    from services.rooms.db.models import ProcessedMessage

    assert outbox.purge(factory, model, ProcessedMessage) == (1, 0)
    with factory() as session:
        assert {r.message_id for r in session.query(model)} == {kept, still_open}


def test_receipt_contract_and_who_gets_one():
    receipt = contracts.build("rooms.outbox_receipt", message_ids=["6f1c1c8e-0c1e-4d7e-9a55-0d5b8f0b2a11"])
    assert contracts.load("rooms.outbox_receipt", receipt)["message_ids"]
    with pytest.raises(ValidationError):
        contracts.build("rooms.outbox_receipt", message_ids=[])
    with pytest.raises(ValidationError):
        contracts.build("calendar.booking_changed", sender="elsewhere", **_booking_changed())


def test_message_lost_by_the_broker_arrives_through_the_receipt_loop(
    settings, rooms_app, calendar_app, rooms_outbox, tmp_path
):
    """kombu's Redis transport pops a message before it records it as unacknowledged: a worker
    killed in between loses it. Here the message vanishes from the queue the same way; the
    outbox publishes it again because no receipt came back, the calendar worker applies it
    and confirms it, and then nothing more is published."""
    from services.calendar.store.models import Calendar

    from tests.support.workers import Worker

    factory, model = rooms_outbox
    celery = rooms_app.extensions["celery"]
    with transaction(factory) as session:
        outbox.add(session, model, "calendar.room_changed", room_id=41, partner_id=2, name="Werkraum", revision=1)
    assert outbox.relay(factory, model, celery, redeliver_after=1) == (1, 0)
    broker = redis.Redis.from_url(settings.broker_url)
    assert broker.rpop("calendar") is not None  # taken off the queue and never recorded: lost

    started = [Worker(service, settings, tmp_path).wait_ready() for service in ("calendar", "rooms")]
    try:
        deadline = datetime.now(timezone.utc) + timedelta(seconds=60)
        while _row(factory, model).confirmed_at is None:
            assert datetime.now(timezone.utc) < deadline, [w.log() for w in started]
            outbox.relay(factory, model, celery, redeliver_after=1)  # the beat sweep
            time.sleep(0.3)
    finally:
        for worker in started:
            worker.stop()
    with calendar_app.extensions["db"]() as session:
        assert [c.displayname for c in session.query(Calendar).filter(Calendar.room_id == 41)] == ["Werkraum"]
    _due_now(factory, model)
    assert outbox.relay(factory, model, celery, redeliver_after=1) == (0, 0)


def test_every_beat_entry_names_a_task_its_queue_runs(apps):
    """The beat imports no service code and sends tasks by name: a typo there would be a task
    nobody runs. Each entry's task must be registered by the service whose queue it goes to."""
    from services.beat import celery as beat

    for name, entry in beat.conf.beat_schedule.items():
        queue = entry["options"]["queue"]
        assert entry["task"].split(".", 1)[0] == queue, name
        assert entry["task"] in apps[queue].extensions["celery"].tasks, name


def test_purge_task_forgets_old_confirmed_rows_and_inbox_records_after_a_month(rooms_app, rooms_outbox):
    from services.rooms.db.models import ProcessedMessage

    factory, model = rooms_outbox
    now = datetime.now(timezone.utc)
    with transaction(factory) as session:
        old = outbox.add(session, model, "calendar.booking_changed", **_booking_changed())
        for message_id, age in (("seen-long-ago", 31), ("seen-this-month", 29)):
            session.add(
                ProcessedMessage(
                    message_id=message_id, task_name="rooms.outbox_receipt", processed_at=now - timedelta(days=age)
                )
            )
    outbox.confirm(factory, model, [old])
    with factory() as session:
        session.query(model).update({model.confirmed_at: now - timedelta(days=8)})
        session.commit()
    with rooms_app.app_context():
        assert rooms_app.extensions["celery"].tasks["rooms.purge_messages"].apply().get() == (1, 1)
    with factory() as session:
        assert [m.message_id for m in session.query(ProcessedMessage)] == ["seen-this-month"]


def _receipts_in_queue(broker_url: str, queue: str) -> list[list[str]]:
    """The message_ids of each receipt waiting in `queue`, oldest first."""
    bodies = redis.Redis.from_url(broker_url).lrange(queue, 0, -1)[::-1]
    found = []
    for raw in bodies:
        message = json.loads(raw)
        assert message["headers"]["task"] == f"{queue}.outbox_receipt"
        args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append(kwargs["message_ids"])
    return found


def test_receipts_of_a_process_go_out_together(settings, calendar_app):
    """Three messages recorded close together: one receipt naming all three, soon; nothing for
    a message without a sender."""
    from shared import receipts

    celery = calendar_app.extensions["celery"]
    ids = [
        contracts.build("calendar.booking_changed", sender="rooms", **_booking_changed())["message_id"]
        for _ in range(3)
    ]
    for message_id in ids:
        receipts.send_receipt(celery, {"message_id": message_id, "sender": "rooms"})
    receipts.send_receipt(celery, {"message_id": ids[0], "sender": ""})  # nobody to tell
    deadline = time.monotonic() + 5
    while not _receipts_in_queue(settings.broker_url, "rooms") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _receipts_in_queue(settings.broker_url, "rooms") == [ids]


def test_a_full_batch_of_receipts_goes_out_at_once(settings, calendar_app):
    from shared import receipts

    celery = calendar_app.extensions["celery"]
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in range(receipts.MOST)]
    for message_id in ids:
        receipts.send_receipt(celery, {"message_id": message_id, "sender": "notify"})
    assert _receipts_in_queue(settings.broker_url, "notify") == [ids]  # no waiting for the window
