"""Where a public page's time goes: the pages bench/public_calendar.py measures, each requested in-process
(the calendar app as a WSGI callable, werkzeug's test client, one request at a time, no sockets),
timed cold (the first request of a fresh app) and warm (the median), split into SQL (every
statement on both engines, counted) and the rest (Flask, building values, Jinja); optionally one
page under cProfile and the plan of each page's slowest statement (EXPLAIN ANALYZE, BUFFERS).

    .venv/bin/python bench/public_profile.py --keep                 # load 10,000 offerings, time, keep
    .venv/bin/python bench/public_profile.py --reuse --explain      # same databases again, with plans
    .venv/bin/python bench/public_profile.py --reuse --profile "filtered list"

The databases are those of bench/public_calendar.py (<prefix>_identity, _calendar): --reuse takes them as
they are (after a run with --keep), otherwise they are made and loaded as there. Without --keep
they are dropped at the end."""

from __future__ import annotations

import argparse
import base64
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import psycopg  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

import public_calendar as public  # noqa: E402  (not "public": aiosmtpd needs the package of that name)
import public_data  # noqa: E402


class Statements:
    """Every statement any engine runs while `on`: its text, parameters and time."""

    def __init__(self):
        self.on = False
        self.seen: list[tuple[str, object, float, str]] = []
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)

    def _before(self, conn, _cursor, statement, parameters, context, _many):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, _cursor, statement, parameters, context, _many):
        if self.on:
            elapsed = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
            self.seen.append((statement, parameters, elapsed, conn.engine.url.database or ""))


def make_client(args):
    from werkzeug.test import Client

    from shared.config import Settings

    from services import calendar

    settings = Settings.from_env(
        secret_key=base64.b64encode(os.urandom(36)).decode(),
        identity_database_url=public_data.sa_url(f"{args.db_prefix}_identity"),
        calendar_database_url=public_data.sa_url(f"{args.db_prefix}_calendar"),
        broker_url=args.redis,
        public_url="http://127.0.0.1:8080",
        demo=False,
    )
    return Client(calendar.create_app({"SETTINGS": settings}))


def time_pages(client, plan: list[dict], statements: Statements, runs: int) -> list[dict]:
    rows = []
    for target in plan:
        headers = {}
        if target.get("conditional"):
            headers = {"If-None-Match": client.get(target["paths"][0]).headers["ETag"]}
        started = time.perf_counter()
        client.get(target["paths"][0], headers=headers).get_data()
        first = time.perf_counter() - started  # cold: templates compiled, caches filled on the way
        for path in target["paths"][1:2]:
            client.get(path, headers=headers)
        totals, sql, counts, slowest = [], [], [], {}
        for n in range(runs):
            path = target["paths"][n % len(target["paths"])]
            statements.seen.clear()
            statements.on = True
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            response.get_data()
            totals.append(time.perf_counter() - started)
            statements.on = False
            if response.status_code not in (200, 304):
                raise RuntimeError(f"{path}: {response.status_code}")
            sql.append(sum(s[2] for s in statements.seen))
            counts.append(len(statements.seen))
            for statement, parameters, elapsed, db in statements.seen:
                if elapsed > slowest.get("elapsed", -1):
                    slowest = {"statement": statement, "parameters": parameters, "elapsed": elapsed, "db": db}
        rows.append(
            {
                **target,
                "first": first * 1000,
                "total": statistics.median(totals) * 1000,
                "sql": statistics.median(sql) * 1000,
                "statements": statistics.median(counts),
                "slowest": slowest,
                "headers": headers,
            }
        )
    return rows


def explain(calendar_db: str, statement: str, parameters) -> str:
    with psycopg.connect(f"{public_data.PG}/{calendar_db}") as conn:
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
    return "\n".join(r[0] for r in rows)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=20, help="requests per page (offering pages: in turn)")
    p.add_argument("--offerings", type=int, default=20)
    p.add_argument("--reuse", action="store_true", help="use the databases as they are (after --keep)")
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest statement")
    p.add_argument("--profile", default="", help="cProfile this page (its label's start, e.g. 'search')")
    p.add_argument("--db-prefix", default="treffpunkt_bench_public")
    p.add_argument("--redis", default=os.environ.get("TREFFPUNKT_BENCH_REDIS", "redis://127.0.0.1:6379/13"))
    p.add_argument("--seed", type=int, default=20261205)
    args = p.parse_args(argv)
    identity_db, calendar_db = f"{args.db_prefix}_identity", f"{args.db_prefix}_calendar"
    try:
        if not (args.reuse and public_data.loaded(identity_db, calendar_db)):
            partners = public_data.make_identity(identity_db)
            calendars = public_data.make_calendar_db(calendar_db, partners)
            t = time.perf_counter()
            public_data.load(calendar_db, partners, calendars, args.events, args.seed, os.cpu_count() or 1)
            print(f"loaded {args.events:,} offerings in {time.perf_counter() - t:.0f} s", flush=True)
        print(public_data.index_size(calendar_db), flush=True)
        args.offerings = min(args.offerings, args.runs)
        plan = public.targets(args, calendar_db)
        statements = Statements()
        client = make_client(args)
        rows = time_pages(client, plan, statements, args.runs)
        print(f"\nmedian of {args.runs} requests each, in-process, one at a time (load {os.getloadavg()[0]:.1f})\n")
        print("| page | first ms | total ms | SQL ms | statements | rest ms | slowest statement ms |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['what']} | {r['first']:.1f} | {r['total']:.1f} | {r['sql']:.1f} | {r['statements']:.0f} | "
                f"{r['total'] - r['sql']:.1f} | {r['slowest'].get('elapsed', 0) * 1000:.1f} |"
            )
        if args.explain:
            for r in rows:
                s = r["slowest"]
                if not s or s["db"] != calendar_db:
                    continue
                print(f"\n## {r['what']}: slowest statement ({s['elapsed'] * 1000:.1f} ms)\n")
                print(s["statement"])
                print(s["parameters"])
                print(explain(calendar_db, s["statement"], s["parameters"]))
        if args.profile:
            target = next(r for r in rows if r["what"].startswith(args.profile))
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.runs):
                client.get(target["paths"][n % len(target["paths"])], headers=target["headers"]).get_data()
            profiler.disable()
            print(f"\n## cProfile: {target['what']}, {args.runs} requests\n")
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(35)
            stats.sort_stats("tottime").print_stats(25)
    finally:
        if not args.keep:
            for name in (calendar_db, identity_db):
                public_data.drop_database(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
