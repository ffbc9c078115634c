"""Rooms benchmark: conflict checks, free-room search, booking throughput and the double-booking
race on PostgreSQL with many rooms and occurrences.

    .venv/bin/python bench/rooms.py                      # 300 rooms, 1,000,000 occurrences
    .venv/bin/python bench/rooms.py --quick              # 20 rooms, 20,000 occurrences (smoke test)

Creates (drops and recreates) its own databases <db> and <db>_identity on 127.0.0.1:5432, serves
the rooms app with gunicorn on a free loopback port, publishes the app's outbox messages to
--redis (the keys it creates there are deleted afterwards). Prints a Markdown table and writes
it to bench/results/rooms-<date>.md.

It imports the rooms service from the tree it sits in. While someone edits that tree, run it from
a committed snapshot instead: `git archive HEAD | tar -x -C /tmp/snap`, then from /tmp/snap
`TREFFPUNKT_BENCH_COMMIT=$(git -C <repo> rev-parse --short HEAD) <repo>/.venv/bin/python bench/rooms.py`."""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import psycopg  # noqa: E402
import redis  # noqa: E402

from shared.db import make_engine  # noqa: E402

import rooms_data  # noqa: E402
import rooms_http  # noqa: E402
import rooms_measure  # noqa: E402
import rooms_series_race  # noqa: E402
import rooms_service  # noqa: E402

TARGET_CONFLICT_P99, TARGET_SEARCH_P99 = 10.0, 50.0


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rooms", type=int, default=300)
    p.add_argument("--occurrences", type=int, default=1_000_000)
    p.add_argument("--quick", action="store_true", help="20 rooms, 20,000 occurrences, fewer iterations")
    p.add_argument("--iterations", type=int, default=None, help="per latency measurement (default 300, quick 40)")
    p.add_argument("--seconds", type=float, default=None, help="throughput phase length (default 10, quick 3)")
    p.add_argument("--clients", type=int, default=8, help="concurrent clients for throughput")
    p.add_argument("--race-clients", type=int, default=50)
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    p.add_argument("--db", default="treffpunkt_bench_rooms", help="database name (dropped and recreated)")
    p.add_argument("--redis", default=os.environ.get("TREFFPUNKT_BENCH_REDIS", "redis://127.0.0.1:6379/13"))
    p.add_argument("--seed", type=int, default=20261125)
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument("--out", default=str(HERE / "results"), help="folder for the Markdown result")
    args = p.parse_args(argv)
    if args.quick:
        args.rooms, args.occurrences = min(args.rooms, 20), min(args.occurrences, 20_000)
    args.iterations = args.iterations or (40 if args.quick else 300)
    args.seconds = args.seconds or (3.0 if args.quick else 10.0)
    if args.rooms < args.clients + 2:
        p.error(f"--rooms must be at least --clients + 2 ({args.clients + 2})")
    return args


def ms(value: float) -> str:
    return f"{value:.1f}"


def _commit() -> str:
    if os.environ.get("TREFFPUNKT_BENCH_COMMIT"):
        return os.environ["TREFFPUNKT_BENCH_COMMIT"]
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent, capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or "?"
        )
    except OSError:
        return "?"


def run(args) -> tuple[str, dict]:
    log = lambda text: print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    identity_db = f"{args.db}_identity"
    started = time.monotonic()
    log(f"identity database {identity_db}")
    network = rooms_data.make_identity(identity_db, partners=10, accounts_per_partner=1)
    log(f"rooms database {args.db}: {args.rooms} rooms")
    room_ids = rooms_data.make_rooms_db(args.db, network, args.rooms, args.seed)
    log(f"loading {args.occurrences:,} occurrences (COPY, then the exclusion constraint is rebuilt)")
    load_started = time.monotonic()
    loaded = rooms_data.load_occurrences(args.db, network, room_ids, args.occurrences, args.seed)
    load_seconds = time.monotonic() - load_started
    log(f"loaded {loaded['occurrences']:,} occurrences of {loaded['bookings']:,} bookings in {load_seconds:.0f} s")

    redis_keys_before = set(redis.Redis.from_url(args.redis).keys())
    log(f"gunicorn: {args.workers} workers x {args.threads} threads (started first, so a broken app fails fast)")
    with rooms_http.rooms_server(args.db, identity_db, args.redis, args.workers, args.threads) as base:
        facts = _measure(args, network, room_ids, base, log)
    _forget_redis_keys(args.redis, redis_keys_before)
    overlaps = rooms_measure.overlapping_valid_occurrences(args.db)
    if not args.keep:
        rooms_data.drop_database(args.db)
        rooms_data.drop_database(identity_db)
    facts.update(loaded=loaded, load_seconds=load_seconds, overlaps=overlaps, seconds=time.monotonic() - started)
    return table(args, facts), facts


def _measure(args, network, room_ids: list[int], base: str, log) -> dict:
    engine = make_engine(rooms_data.sa_url(args.db), pool_size=2)
    bookers = [(accounts[0][0], pid) for pid, accounts in network.accounts.items()]
    rows = []
    log("(a) 52-week conflict checks")
    rows += rooms_measure.conflict_checks(engine, args.db, room_ids, bookers, args.iterations, args.seed)
    log("(b) free-room searches")
    rows += rooms_measure.free_room_searches(engine, args.db, args.iterations, args.seed + 1)
    engine.dispose()
    log("naive check-then-insert without a constraint")
    naive = rooms_measure.naive_race(args.db, args.race_clients, 3)

    rng = random.Random(args.seed)
    http_rooms = rng.sample(room_ids, args.clients + 2)
    usernames = [accounts[0][1] for accounts in network.accounts.values()]
    plan = [
        (room, rooms_http.free_slots(args.db, room, 2000, 0.1 + i / 100))
        for i, room in enumerate(http_rooms[: args.clients])
    ]
    race_room, series_room = http_rooms[-2], http_rooms[-1]
    slot = rooms_http.race_slot(args.db, race_room)
    rooms_http.warm_up(base, usernames, args.workers)
    log(f"(c) throughput: {args.clients} clients for {args.seconds:.0f} s")
    throughput = rooms_http.throughput(base, usernames, plan, args.seconds)
    log(f"(d) race: {args.race_clients} clients, one slot")
    bodies = [rooms_http.booking_body(race_room, slot, f"Wettlauf {i}") for i in range(args.race_clients)]
    race = rooms_http.race(base, usernames, bodies)
    race["in_db"] = rooms_http.valid_overlapping(args.db, race_room, *slot)
    log(f"(d) race: {args.race_clients} clients, overlapping weekly series")
    series = rooms_series_race.run(base, args.db, usernames, series_room, args.race_clients, args.seed)
    return {"rows": rows, "naive": naive, "throughput": throughput, "race": race, "series": series}


def _forget_redis_keys(url: str, before: set) -> None:
    """The app published its outbox messages to queues nobody consumes here: remove what we added."""
    client = redis.Redis.from_url(url)
    added = set(client.keys()) - before
    if added:
        client.delete(*added)


def table(args, f: dict) -> str:
    with psycopg.connect(f"{rooms_data.PG}/postgres") as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    lines = [
        f"# Rooms benchmark, {datetime.now().strftime('%Y-%m-%d %H:%M')}",
        "",
        f"`{' '.join(['bench/rooms.py'] + sys.argv[1:])}` — commit {_commit()}, PostgreSQL {pg}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs; {args.rooms} rooms, "
        f"{f['loaded']['occurrences']:,} valid occurrences in {f['loaded']['bookings']:,} bookings over "
        f"{rooms_data.SPAN_DAYS} days from {f['loaded']['first_day']} (loaded in {f['load_seconds']:.0f} s); "
        f"run took {f['seconds']:.0f} s.",
        "",
        "| measurement | p50 ms | p99 ms | n | target | notes |",
        "|---|---|---|---|---|---|",
    ]
    for row in f["rows"]:
        target = ""
        if row["what"].startswith("(a)") and "service" in row["what"]:
            target = f"p99 < {TARGET_CONFLICT_P99:.0f} ms: {'met' if row['p99'] < TARGET_CONFLICT_P99 else 'MISSED'}"
        if row["what"].startswith("(b)") and (
            "service" in row["what"] or (rooms_service.free_rooms is None and "GiST" in row["what"])
        ):
            target = f"p99 < {TARGET_SEARCH_P99:.0f} ms: {'met' if row['p99'] < TARGET_SEARCH_P99 else 'MISSED'}"
        lines.append(f"| {row['what']} | {ms(row['p50'])} | {ms(row['p99'])} | {row['n']} | {target} | {row['note']} |")
    t = f["throughput"]
    lines.append(
        f"| (c) POST /api/rooms/bookings, {t['clients']} clients on different rooms (gunicorn "
        f"{args.workers}×{args.threads}) | {ms(t['p50'])} | {ms(t['p99'])} | {sum(t['statuses'].values())} | "
        f"| **{t['per_second']:.1f} bookings/s** over {t['seconds']:.1f} s; statuses {t['statuses']} |"
    )
    r, s, n = f["race"], f["series"], f["naive"]
    lines += [
        "",
        "| race | clients | 201 | 409 | other | valid overlapping in DB | double bookings |",
        "|---|---|---|---|---|---|---|",
        f"| (d) same slot through the API | {r['clients']} | {r['created']} | {r['conflicts']} | {r['other']} | "
        f"{r['in_db']} on the slot | **{max(r['in_db'] - 1, 0)}** |",
    ]
    if s.get("skipped"):
        lines.append(f"| (d) overlapping weekly series through the API | — | — | — | — | — | not run: {s['skipped']} |")
    else:
        lines.append(
            f"| (d) overlapping weekly series through the API ({s['weeks']} weeks each) | {s['clients']} | "
            f"{s['created']} | {s['conflicts']} | {s['other']} | {s['in_db']} | **{s['double']}** |"
        )
    lines += [
        f"| naive check-then-insert without constraint, {n['rounds']} rounds (FIELD-NOTES pilot) | "
        f"{n['clients']} | {'/'.join(map(str, n['committed_per_round']))} committed | — | — | — | "
        f"**{n['double_bookings']}** |",
        "",
        f"Overlapping valid occurrences in the whole database after the run: **{f['overlaps']}** "
        "(window query over all rooms).",
        "",
    ]
    others = [x for x in (r.get("other_examples"), s.get("other_examples")) if x]
    if others:
        lines += ["Unexpected answers (first few): " + "; ".join(map(str, others)), ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse(argv)
    text, facts = run(args)
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"rooms-{datetime.now().strftime('%Y-%m-%d')}{'-quick' if args.quick else ''}.md"
    path.write_text(text + "\n")
    print(f"written to {path}", file=sys.stderr)
    double = max(facts["race"]["in_db"] - 1, 0) + facts["series"].get("double", 0) + facts["overlaps"]
    return 1 if double else 0


if __name__ == "__main__":
    sys.exit(main())
