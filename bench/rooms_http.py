"""Through the real HTTP API: the rooms app under gunicorn (the production config file) on a free
loopback port, HTTP Basic with app passwords from the benchmark identity database."""

from __future__ import annotations

import base64
import http.client
import json
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import psycopg

from rooms_data import BERLIN, PASSWORD, PG, sa_url
from rooms_measure import percentiles
from served import served

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def rooms_server(rooms_db: str, identity_db: str, redis_url: str, workers: int, threads: int):
    """Yields the base URL of a gunicorn-served rooms app (bench/served.py); stops it afterwards."""
    urls = {"rooms_database_url": sa_url(rooms_db), "identity_database_url": sa_url(identity_db)}
    with tempfile.TemporaryDirectory(prefix="rooms-bench-") as tmp:
        with served("rooms", urls, redis_url, Path(tmp), workers, threads) as (base, _log):
            yield base


class Client:
    """One API user; a fresh connection per request, so no keep-alive timeout can drop a POST."""

    def __init__(self, base: str, username: str):
        host_port = base.split("://", 1)[1]
        self.host, self.port = host_port.split(":")[0], int(host_port.split(":")[1])
        token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
        self.conn = None

    def connect(self) -> None:
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.conn.connect()

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        if self.conn is None:
            self.connect()
        conn, self.conn = self.conn, None
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
            response = conn.getresponse()
            raw = response.read()
            try:
                return response.status, json.loads(raw) if raw else None
            except ValueError:
                return response.status, {"raw": raw[:200].decode(errors="replace")}
        finally:
            conn.close()


def _parallel(jobs) -> list:
    results = [None] * len(jobs)

    def run(i, job):
        results[i] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def warm_up(base: str, usernames: list[str], workers: int) -> None:
    """Every worker process checks each app password once (Argon2, slow by design) and caches it."""
    for username in usernames:
        for _round in range(2):
            _parallel([lambda: Client(base, username).call("GET", "/api/rooms/rooms") for _ in range(2 * workers)])


def free_slots(db_name: str, room_id: int, limit: int, seed: float) -> list[tuple[datetime, datetime]]:
    """Free hours of a room (08-20 local, weekdays, next 300 days), in random order."""
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        conn.execute("SELECT setseed(%s)", (seed,))
        rows = conn.execute(
            "SELECT s, s + interval '1 hour' FROM generate_series("
            " date_trunc('hour', now()) + interval '2 days', now() + interval '300 days', interval '1 hour') s"
            " WHERE extract(hour FROM s AT TIME ZONE 'Europe/Berlin') BETWEEN 8 AND 19"
            "   AND extract(isodow FROM s AT TIME ZONE 'Europe/Berlin') < 6"
            "   AND NOT EXISTS (SELECT 1 FROM occurrences o WHERE o.room_id = %s::int AND o.state = 'valid'"
            "     AND o.during && tstzrange(s, s + interval '1 hour', '[)'))"
            " ORDER BY random() LIMIT %s",
            (room_id, limit),
        ).fetchall()
    return [(s.astimezone(BERLIN), e.astimezone(BERLIN)) for s, e in rows]


def booking_body(room_id: int, slot, title: str) -> dict:
    return {"room_id": room_id, "starts_at": slot[0].isoformat(), "ends_at": slot[1].isoformat(), "title": title}


def throughput(base: str, usernames: list[str], plan: list[tuple[int, list]], seconds: float) -> dict:
    """Each client books free hours of its own room, one after the other, for `seconds`."""
    statuses, latencies, lock = Counter(), [], threading.Lock()
    clients = [Client(base, usernames[i % len(usernames)]) for i in range(len(plan))]
    deadline = time.monotonic() + seconds

    def run(i):
        room_id, slots = plan[i]
        for n, slot in enumerate(slots):
            if time.monotonic() >= deadline:
                break
            started = time.perf_counter()
            status, _body = clients[i].call("POST", "/api/rooms/bookings", booking_body(room_id, slot, f"Last {i}/{n}"))
            with lock:
                statuses[status] += 1
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    _parallel([lambda i=i: run(i) for i in range(len(plan))])
    wall = time.monotonic() - started
    p50, p99 = percentiles(latencies) if latencies else (float("nan"), float("nan"))
    return {
        "clients": len(plan),
        "seconds": wall,
        "statuses": dict(statuses),
        "per_second": statuses.get(201, 0) / wall,
        "p50": p50,
        "p99": p99,
    }


def race(base: str, usernames: list[str], bodies: list[dict]) -> dict:
    """All clients connect, wait at a barrier, then POST at once; statuses counted."""
    clients = [Client(base, usernames[i % len(usernames)]) for i in range(len(bodies))]
    for c in clients:
        c.connect()
    barrier = threading.Barrier(len(bodies))

    def run(i):
        barrier.wait()
        return clients[i].call("POST", "/api/rooms/bookings", bodies[i])

    results = _parallel([lambda i=i: run(i) for i in range(len(bodies))])
    statuses = Counter(status for status, _ in results)
    others = [b for s, b in results if s not in (201, 409)]
    return {
        "clients": len(bodies),
        "created": statuses.get(201, 0),
        "conflicts": statuses.get(409, 0),
        "other": sum(n for s, n in statuses.items() if s not in (201, 409)),
        "statuses": dict(statuses),
        "other_examples": others[:3],
    }


def valid_overlapping(db_name: str, room_id: int, starts_at: datetime, ends_at: datetime) -> int:
    """Valid occurrences of the room that overlap the raced slot (1 after a race, never more)."""
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        return conn.execute(
            "SELECT count(*) FROM occurrences WHERE room_id = %s::int AND state = 'valid'"
            " AND starts_at < %s AND ends_at > %s",
            (room_id, ends_at, starts_at),
        ).fetchone()[0]


def race_slot(db_name: str, room_id: int) -> tuple[datetime, datetime]:
    """A free weekday hour of the room, for the race."""
    slots = free_slots(db_name, room_id, 1, 0.5)
    if not slots:
        raise RuntimeError(f"room {room_id} has no free hour")
    return slots[0]
