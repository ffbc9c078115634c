"""In-process measurements: the 52-week conflict check and the free-room search, each through
the rooms service's own code, next to hand-written comparison queries; and the naive
check-then-insert without a constraint (the FIELD-NOTES pilot) on a scratch table."""

from __future__ import annotations

import random
import statistics
import threading
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone

import psycopg
from psycopg.types.multirange import Multirange
from psycopg.types.range import Range
from sqlalchemy.orm import Session

from rooms_data import BERLIN, PG
from rooms_service import SERVICE_FREE_LABEL, SERVICE_SERIES_LABEL, booker, free_rooms, series_conflicts


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    if len(ordered) < 2:
        return (ordered[0], ordered[0]) if ordered else (float("nan"), float("nan"))
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49], cuts[98]


def timed(run: Callable[[int], object], iterations: int) -> tuple[list[float], list]:
    samples, results = [], []
    for i in range(iterations):
        started = clock.perf_counter()
        results.append(run(i))
        samples.append((clock.perf_counter() - started) * 1000)
    return samples, results


# --- what is asked ------------------------------------------------------------------------
def weekly_series(rng: random.Random, weeks: int = 52) -> tuple[date, time, time, list[tuple[datetime, datetime]]]:
    """A weekly series starting within the next week, 1-2 hours between 08:00 and 20:00 local."""
    first = datetime.now(BERLIN).date() + timedelta(days=rng.randint(1, 7))
    start, end = time(rng.randint(8, 17), rng.choice((0, 30))), None
    end = (datetime.combine(first, start) + timedelta(minutes=rng.choice((60, 90, 120)))).time()
    slots = [
        (
            datetime.combine(first + timedelta(weeks=w), start, tzinfo=BERLIN).astimezone(timezone.utc),
            datetime.combine(first + timedelta(weeks=w), end, tzinfo=BERLIN).astimezone(timezone.utc),
        )
        for w in range(weeks)
    ]
    return first, start, end, slots


def window(rng: random.Random) -> tuple[datetime, datetime]:
    """A two-hour window on a weekday within the next 300 days, 08:00-20:00 local."""
    day = datetime.now(BERLIN).date() + timedelta(days=rng.randint(1, 300))
    start = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN).replace(hour=rng.randint(8, 18))
    return start.astimezone(timezone.utc), (start + timedelta(hours=2)).astimezone(timezone.utc)


# --- comparison queries (hand-written, labelled as such) -----------------------------------
def or_of_overlaps(conn, room_id: int, slots) -> list:
    """What one writes without range types: 52 OR-ed overlap tests, btree (room_id, starts_at)."""
    terms = " OR ".join("(starts_at < %s AND ends_at > %s)" for _ in slots)
    params = [room_id] + [v for s, e in slots for v in (e, s)]
    return conn.execute(
        f"SELECT id FROM occurrences WHERE room_id = %s::int AND state = 'valid' AND ({terms})", params
    ).fetchall()


def gist_overlaps(conn, room_id: int, slots) -> list:
    """The exclusion constraint's GiST index (room_id, during), one scan for all 52 ranges."""
    wanted = Multirange([Range(s, e, "[)") for s, e in slots])
    return conn.execute(
        "SELECT id FROM occurrences WHERE room_id = %s::int AND state = 'valid' AND during && %s::tstzmultirange",
        (room_id, wanted),
    ).fetchall()


def free_rooms_gist(conn, starts_at, ends_at) -> list:
    return conn.execute(
        "SELECT r.id FROM rooms r WHERE r.active AND NOT EXISTS (SELECT 1 FROM occurrences o"
        " WHERE o.room_id = r.id AND o.state = 'valid' AND o.during && tstzrange(%s, %s, '[)'))",
        (starts_at, ends_at),
    ).fetchall()


def free_rooms_btree(conn, starts_at, ends_at) -> list:
    return conn.execute(
        "SELECT r.id FROM rooms r WHERE r.active AND NOT EXISTS (SELECT 1 FROM occurrences o"
        " WHERE o.room_id = r.id AND o.state = 'valid' AND o.starts_at < %s AND o.ends_at > %s)",
        (ends_at, starts_at),
    ).fetchall()


# --- measurements -------------------------------------------------------------------------
def conflict_checks(
    engine, db_name: str, room_ids: list[int], bookers: list[tuple[int, int]], iterations: int, seed: int
) -> list[dict]:
    """(a) 52-week series: the service's check, the OR query and the GiST query, same inputs."""
    rng = random.Random(seed)
    cases = []
    for _ in range(iterations):
        room = rng.choice(room_ids)
        cases.append((room, weekly_series(rng), booker(*rng.choice(bookers))))
    rows = []

    def service(i):
        room, (first, start, end, slots), who = cases[i]
        with Session(engine) as session:
            return len(series_conflicts(session, room, who, first, start, end, len(slots), slots))

    answers = []
    with psycopg.connect(f"{PG}/{db_name}", autocommit=True) as conn:
        for label, run in (
            (SERVICE_SERIES_LABEL, service),
            (
                "comparison: one SQL, 52 OR-ed overlaps (btree)",
                lambda i: len(or_of_overlaps(conn, cases[i][0], cases[i][1][3])),
            ),
            (
                "comparison: one SQL, GiST `during && tstzmultirange(52 ranges)`",
                lambda i: len(gist_overlaps(conn, cases[i][0], cases[i][1][3])),
            ),
        ):
            run(0)  # warm caches and the connection pool
            samples, found = timed(run, iterations)
            answers.append([bool(f) for f in found])
            p50, p99 = percentiles(samples)
            rows.append(
                {
                    "what": f"(a) 52-week conflict check — {label}",
                    "p50": p50,
                    "p99": p99,
                    "n": iterations,
                    "note": f"{sum(1 for f in found if f)}/{iterations} series had conflicts",
                }
            )
    # all must agree on which series conflict, else the comparison would be meaningless
    assert all(a == answers[0] for a in answers), "conflict checks disagree"
    return rows


def free_room_searches(engine, db_name: str, iterations: int, seed: int) -> list[dict]:
    """(b) free rooms for a two-hour window over all rooms."""
    rng = random.Random(seed)
    windows = [window(rng) for _ in range(iterations)]
    rows = []

    def service(i):
        with Session(engine) as session:
            return len(free_rooms(session, *windows[i]))

    with psycopg.connect(f"{PG}/{db_name}", autocommit=True) as conn:
        runs = [
            ("comparison: NOT EXISTS with btree overlap test", lambda i: len(free_rooms_btree(conn, *windows[i]))),
            ("comparison: NOT EXISTS with GiST `during &&`", lambda i: len(free_rooms_gist(conn, *windows[i]))),
        ]
        if free_rooms is not None:
            runs.insert(0, (SERVICE_FREE_LABEL, service))
        answers = []
        for label, run in runs:
            run(0)
            samples, found = timed(run, iterations)
            answers.append(found)
            p50, p99 = percentiles(samples)
            rows.append(
                {
                    "what": f"(b) free rooms for a 2-hour window — {label}",
                    "p50": p50,
                    "p99": p99,
                    "n": iterations,
                    "note": f"median {statistics.median(found):.0f} rooms free",
                }
            )
    # the benchmark's rooms have no rules, buffers or closures: every way must count the same rooms
    assert all(a == answers[0] for a in answers), "free-room searches disagree"
    return rows


def naive_race(db_name: str, clients: int, rounds: int) -> dict:
    """Check-then-insert without a constraint, as a hand-made booking tool would do it."""
    with psycopg.connect(f"{PG}/{db_name}", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS naive_occurrences")
        conn.execute(
            "CREATE TABLE naive_occurrences (id serial PRIMARY KEY, room_id int NOT NULL,"
            " starts_at timestamptz NOT NULL, ends_at timestamptz NOT NULL)"
        )
    inserted = []
    for r in range(rounds):
        start = datetime(2030, 1, 7, 10, tzinfo=timezone.utc) + timedelta(days=r)
        end = start + timedelta(hours=1)
        connections = [psycopg.connect(f"{PG}/{db_name}") for _ in range(clients)]
        barrier = threading.Barrier(clients)

        def attempt(conn):
            barrier.wait()
            taken = conn.execute(
                "SELECT count(*) FROM naive_occurrences WHERE room_id = 1 AND starts_at < %s AND ends_at > %s",
                (end, start),
            ).fetchone()[0]
            if not taken:
                conn.execute(
                    "INSERT INTO naive_occurrences (room_id, starts_at, ends_at) VALUES (1, %s, %s)", (start, end)
                )
            conn.commit()

        threads = [threading.Thread(target=attempt, args=(c,)) for c in connections]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for c in connections:
            c.close()
        with psycopg.connect(f"{PG}/{db_name}") as conn:
            inserted.append(
                conn.execute("SELECT count(*) FROM naive_occurrences WHERE starts_at = %s", (start,)).fetchone()[0]
            )
    with psycopg.connect(f"{PG}/{db_name}", autocommit=True) as conn:
        conn.execute("DROP TABLE naive_occurrences")
    return {
        "clients": clients,
        "rounds": rounds,
        "committed_per_round": inserted,
        "double_bookings": sum(n - 1 for n in inserted),
    }


def overlapping_valid_occurrences(db_name: str) -> int:
    """Valid occurrences that overlap an earlier one of the same room (must be 0)."""
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        return conn.execute(
            "SELECT count(*) FROM (SELECT starts_at, max(ends_at) OVER (PARTITION BY room_id ORDER BY starts_at, id"
            " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_end"
            " FROM occurrences WHERE state = 'valid') x WHERE before_end > starts_at"
        ).fetchone()[0]
