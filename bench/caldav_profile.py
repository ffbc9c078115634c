"""In-process timing (and cProfile) of our CalDAV server on the benchmark's calendar: the
calendar app as a WSGI callable, requests through werkzeug's test client, no sockets; for
finding what dominates before the full bench/caldav_speed.py run.

    .venv/bin/python bench/caldav_profile.py [--db sqlite|postgresql] [--events 2000]
        [--runs 5] [--profile "calendar-query, one month"] [--restart]

--restart times every operation once more on a fresh app (empty process caches), as after a
restart of the server."""

from __future__ import annotations

import argparse
import base64
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import caldav_data as bench_data
import caldav_speed as bench
from caldav_serve_ours import settings_for

CALENDAR = "/dav/calendars/bench/bench/"


def setup(kind: str, folder: Path, prefix: str, items) -> tuple:
    settings = settings_for(kind, folder, "postgresql+psycopg://postgres@127.0.0.1:5432", prefix)
    from shared.db import transaction
    from shared.identity import MIGRATIONS as IDENTITY_MIGRATIONS
    from shared.migrate import upgrade

    from services import calendar
    from services.calendar.store.sql import SqlStore

    upgrade(IDENTITY_MIGRATIONS, settings.identity_database_url)
    upgrade(calendar.MIGRATIONS, settings.calendar_database_url)
    app = calendar.create_app({"SETTINGS": settings})
    identity = app.extensions["identity"]
    identity.create_partner("bench", "Benchmark e. V.", "Lobeda")
    identity.create_account(
        "bench", "Bench", partner_slug="bench", role="staff", email="bench@example.org", password="bench-password-1"
    )
    secret = identity.create_app_password("bench", "bench")
    t = time.perf_counter()
    with transaction(app.extensions["db"]) as session:
        store = SqlStore(session)
        info = store.ensure_partner_calendar(
            identity.principal_by_username("bench").partner_id, "bench", "Benchmark", public=True
        )
        for name, data in items:
            store.put(info.id, name, data)
    print(f"loaded {len(items)} items in {time.perf_counter() - t:.1f} s", flush=True)
    return settings, secret


def client_for(settings):
    from werkzeug.test import Client

    from services import calendar

    return Client(calendar.create_app({"SETTINGS": settings}))


def requests_of(items) -> dict:
    names = [n for n, _ in items]
    step = max(1, len(names) // 100)
    multiget = bench.multiget_body(type("S", (), {"calendar": CALENDAR}), names[::step][:100]).encode()
    return {
        "PROPFIND depth 1": ("PROPFIND", CALENDAR, bench.PROPFIND.encode(), {"Depth": "1"}),
        "calendar-query, one month": ("REPORT", CALENDAR, bench.PLAIN.encode(), {"Depth": "1"}),
        "calendar-query with expand, one month": ("REPORT", CALENDAR, bench.EXPAND.encode(), {"Depth": "1"}),
        "calendar-multiget of 100": ("REPORT", CALENDAR, multiget, {"Depth": "1"}),
        "GET network feed": ("GET", "/feeds/network.ics", None, {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db-prefix", default="treffpunkt_bench_profile")
    parser.add_argument("--profile", action="append", default=[], help="operation to run under cProfile")
    parser.add_argument("--restart", action="store_true")
    args = parser.parse_args()
    items = bench_data.calendar(args.events)
    with tempfile.TemporaryDirectory(prefix="treffpunkt-profile-") as tmp:
        settings, secret = setup(args.db, Path(tmp), args.db_prefix, items)
        auth = {"Authorization": "Basic " + base64.b64encode(f"bench:{secret}".encode()).decode()}
        client = client_for(settings)

        def call(method, path, body, headers):
            response = client.open(
                path,
                method=method,
                data=body,
                headers={**auth, **headers, "Content-Type": "application/xml; charset=utf-8"},
            )
            assert response.status_code in (200, 207), (method, path, response.status_code, response.data[:300])
            return response.data

        ops = requests_of(items)
        for op, request in ops.items():
            t = time.perf_counter()
            body = call(*request)
            first = time.perf_counter() - t
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                call(*request)
                times.append(time.perf_counter() - t)
            print(
                f"{op}: median {bench.fmt(statistics.median(times))} (first {bench.fmt(first)}, "
                f"{body.count(b'response>') // 2} responses, {len(body) // 1024} KiB)",
                flush=True,
            )
            if op in args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(call, *request)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        if args.restart:
            client = client_for(settings)
            from services.calendar.store.objectcache import CACHE

            CACHE._entries.clear()
            for op, request in ops.items():
                t = time.perf_counter()
                call(*request)
                print(f"after restart, {op}: {bench.fmt(time.perf_counter() - t)}", flush=True)


if __name__ == "__main__":
    main()
