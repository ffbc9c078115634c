"""(d) The race with weekly series: many clients POST weekly series that all overlap each other
(same weekday, starts shifted by 0-45 minutes) to one room at once. Exactly one may win."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone

import psycopg

from rooms_data import BERLIN, PG
from rooms_http import Client, race
from rooms_measure import gist_overlaps

WEEKS = 12
LENGTH = timedelta(minutes=90)


def series_supported(base: str, username: str) -> bool:
    """Whether POST /api/rooms/bookings takes a `recurrence` (read from the app's OpenAPI spec)."""
    status, spec = Client(base, username).call("GET", "/api/rooms/openapi.json")
    if status != 200 or not spec:
        return False
    post = spec.get("paths", {}).get("/api/rooms/bookings", {}).get("post", {})
    ref = post.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    schema = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    return "recurrence" in schema.get("properties", {})


def _free_weekly_start(db_name: str, room_id: int, rng: random.Random) -> datetime:
    """A local start time whose weekly 2h15 window is free in all WEEKS weeks."""
    today = datetime.now(BERLIN).date()
    with psycopg.connect(f"{PG}/{db_name}", autocommit=True) as conn:
        for _attempt in range(500):
            day = today + timedelta(days=rng.randint(2, 90))
            start = datetime.combine(day, time(rng.randint(8, 17)), tzinfo=BERLIN)
            windows = [
                (
                    (start + timedelta(weeks=w)).astimezone(timezone.utc),
                    (start + timedelta(weeks=w, minutes=45) + LENGTH).astimezone(timezone.utc),
                )
                for w in range(WEEKS)
            ]
            if not gist_overlaps(conn, room_id, windows):
                return start
    raise RuntimeError(f"room {room_id}: no weekly window free for {WEEKS} weeks")


def run(base: str, db_name: str, usernames: list[str], room_id: int, clients: int, seed: int) -> dict:
    if not series_supported(base, usernames[0]):
        return {"skipped": "POST /api/rooms/bookings takes no `recurrence` in this version of the service"}
    start = _free_weekly_start(db_name, room_id, random.Random(seed))
    bodies = []
    for i in range(clients):
        first = start + timedelta(minutes=15 * (i % 4))
        bodies.append(
            {
                "room_id": room_id,
                "starts_at": first.isoformat(),
                "ends_at": (first + LENGTH).isoformat(),
                "title": f"Serie {i}",
                "recurrence": {"freq": "weekly", "interval": 1, "count": WEEKS},
            }
        )
    result = race(base, usernames, bodies)
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        held = conn.execute(
            "SELECT count(*), count(DISTINCT o.booking_id) FROM occurrences o JOIN bookings b ON b.id = o.booking_id"
            " WHERE o.room_id = %s::int AND o.state = 'valid' AND b.title LIKE 'Serie %%'",
            (room_id,),
        ).fetchone()
        pairs = conn.execute(
            "SELECT count(*) FROM occurrences a JOIN occurrences b ON a.room_id = b.room_id AND a.id < b.id"
            " AND a.during && b.during WHERE a.room_id = %s::int AND a.state = 'valid' AND b.state = 'valid'",
            (room_id,),
        ).fetchone()[0]
    result.update(
        weeks=WEEKS, in_db=f"{held[0]} dates of {held[1]} booking(s); {pairs} overlapping pairs", double=pairs
    )
    return result
