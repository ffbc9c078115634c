"""No double booking, guaranteed by PostgreSQL: concurrent requests, and inserts that bypass
the Python check."""

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from services.rooms.booking.errors import BookingConflict
from services.rooms.db.models import Booking, Occurrence, OutboxMessage

from tests.support.rooms import at, book_one, count, next_week

THREADS = 20


def test_twenty_concurrent_requests_for_one_slot_yield_exactly_one_booking(rooms_app, rooms, api_auth):
    day = next_week()
    headers = api_auth("otto")
    assert rooms_app.test_client().get("/api/rooms/rooms", headers=headers).status_code == 200  # warm the login
    body = {
        "room_id": rooms["saal"],
        "starts_at": at(day, 15).isoformat(),
        "ends_at": at(day, 16).isoformat(),
        "title": "Chorprobe",
    }
    barrier = threading.Barrier(THREADS)

    def attempt(i):
        client = rooms_app.test_client()  # each thread its own client
        barrier.wait()
        response = client.post("/api/rooms/bookings", headers=headers, json={**body, "title": f"Versuch {i}"})
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(attempt, range(THREADS)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (THREADS - 1), results
    winner = next(json for status, json in results if status == 201)
    for status, json in results:
        if status == 409:
            assert json["errors"] == {"starts_at": [json["message"]]} and "conflict" in json, json
    assert count(rooms_app, Booking) == 1
    assert count(rooms_app, Occurrence) == 1
    assert count(rooms_app, OutboxMessage, OutboxMessage.task_name == "notify.booking_notice") == 1
    with rooms_app.extensions["db"]() as s:
        assert s.scalar(text("SELECT title FROM bookings")) == winner["title"]


def _insert_raw(conn, room_id, booking_title, start, end):
    booking_id = conn.execute(
        text(
            "INSERT INTO bookings (room_id, booker_account_id, booker_partner_id, title, status, sequence, public,"
            " created_at, updated_at) VALUES (:r, 1, 1, :t, 'confirmed', 0, false, now(), now()) RETURNING id"
        ),
        {"r": room_id, "t": booking_title},
    ).scalar()
    conn.execute(
        text(
            "INSERT INTO occurrences (booking_id, room_id, starts_at, ends_at, state) VALUES (:b, :r, :s, :e, 'valid')"
        ),
        {"b": booking_id, "r": room_id, "s": start, "e": end},
    )
    return booking_id


def test_the_exclusion_constraint_refuses_an_overlap_that_bypasses_python(rooms_app, rooms):
    engine = rooms_app.extensions["db_engine"]
    day = next_week()
    with engine.begin() as conn:
        _insert_raw(conn, rooms["saal"], "Erste", at(day, 10), at(day, 11))
        _insert_raw(conn, rooms["saal"], "Direkt danach", at(day, 11), at(day, 12))  # half-open: allowed
        _insert_raw(conn, rooms["kueche"], "Anderer Raum", at(day, 10), at(day, 11))
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        _insert_raw(conn, rooms["saal"], "Überlappend", at(day, 10, 30), at(day, 11, 30))
    assert isinstance(caught.value.orig, psycopg.errors.ExclusionViolation)
    assert caught.value.orig.sqlstate == "23P01"
    # a cancelled occurrence no longer holds the room
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE occurrences SET state = 'cancelled' WHERE room_id = :r AND starts_at = :s"),
            {"r": rooms["saal"], "s": at(day, 10)},
        )
        _insert_raw(conn, rooms["saal"], "Nachrücker", at(day, 10), at(day, 11))
    assert count(rooms_app, Occurrence) == 4  # the overlapping one never got in
    assert count(rooms_app, Occurrence, Occurrence.room_id == rooms["saal"], Occurrence.state == "valid") == 2


def test_a_database_refusal_becomes_the_same_conflict(rooms_app, rooms, identity):
    """A competing insert that Python cannot see yet (uncommitted) makes our insert wait on the
    constraint; when it commits, our booking gets 23P01 and must surface as BookingConflict."""
    engine = rooms_app.extensions["db_engine"]
    day = next_week()
    booker = identity.principal_by_username("otto")
    competitor = engine.connect()
    tx = competitor.begin()
    competitor_id = _insert_raw(competitor, rooms["saal"], "Konkurrenz", at(day, 15), at(day, 16))
    outcome = {}

    def book():
        try:
            book_one(
                rooms_app.extensions["db"],
                booker,
                rooms["saal"],
                at(day, 15, 30),
                at(day, 16, 30),
                "Zu spät",
                partner_name="MGH",
            )
            outcome["result"] = "booked"
        except Exception as exc:  # recorded and checked below
            outcome["result"] = exc

    worker = threading.Thread(target=book)
    worker.start()
    _wait_until_blocked_on_lock(engine, worker)
    tx.commit()
    competitor.close()
    worker.join(timeout=30)
    assert isinstance(outcome["result"], BookingConflict), outcome
    assert outcome["result"].conflict.booking_id == competitor_id
    assert outcome["result"].conflict.title == "belegt"
    assert count(rooms_app, Booking) == 1
    assert count(rooms_app, OutboxMessage, OutboxMessage.task_name != "calendar.room_changed") == 0


def _wait_until_blocked_on_lock(engine, worker, attempts=600):
    """Poll pg_stat_activity until another backend waits on a lock (no sleeping guesswork)."""
    import time

    with engine.connect() as conn:
        for _ in range(attempts):
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
            ).scalar()
            conn.rollback()
            if waiting or not worker.is_alive():
                return
            time.sleep(0.05)
    raise AssertionError("the booking never reached the constraint")
