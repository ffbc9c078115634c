"""Contracts, the transactional outbox and the inbox, against real PostgreSQL and Redis."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import redis
from marshmallow import ValidationError

from shared import contracts, outbox
from shared.db import make_engine, make_session_factory, transaction
from shared.messaging import make_celery


def _booking_changed(**overrides):
    start = datetime(2030, 3, 5, 14, 0, tzinfo=timezone.utc)
    values = dict(booking_id=7, uid="booking-7@treffpunkt-jena.de", sequence=0, room_id=3, partner_id=2,
                  title="Elterncafé", status="confirmed",
                  occurrences=[{"starts_at": start, "ends_at": start + timedelta(hours=1)}])
    values.update(overrides)
    return values


def test_contract_round_trip_gives_plain_json():
    message = contracts.build("calendar.booking_changed", **_booking_changed())
    assert json.loads(json.dumps(message)) == message
    loaded = contracts.load("calendar.booking_changed", message)
    assert loaded["occurrences"][0]["starts_at"].tzinfo is not None


@pytest.mark.parametrize("bad", [
    {"status": "maybe"},
    {"occurrences": [{"starts_at": "2030-03-05T15:00:00+00:00", "ends_at": "2030-03-05T14:00:00+00:00"}]},
    {"occurrences": [{"starts_at": "2030-03-05T15:00:00", "ends_at": "2030-03-05T16:00:00"}]},  # naive
    {"title": ""},
])
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
    from services.rooms.models import OutboxMessage

    return rooms_app.extensions["db"], OutboxMessage


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
    from services.calendar.models import ProcessedMessage

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
