"""Engagementbörse benchmark: the public search and opportunity pages under load on PostgreSQL,
and the race for a shift's last places.

    .venv/bin/python bench/engagement.py            # 1,000 opportunities, 50 clients, 15 s a URL
    .venv/bin/python bench/engagement.py --quick    # 100 opportunities, 3 s a URL (smoke run)

Creates (drops and recreates) the databases <prefix>_identity and <prefix>_engagement on
127.0.0.1:5432: the network's ten partners and --opportunities published opportunities, a third
of them with dated shifts (bench/engagement_data.py). Serves the engagement app with gunicorn
and the production config (deploy/gunicorn.conf.py) on a free loopback port and drives it with
wrk (bench/public_http.py): --connections clients, keep-alive, --duration seconds per URL after a
warm-up. Measured: the unfiltered search page, a filtered search (Lobeda, visiting, on working
days, in the afternoon, at most 2 hours), opportunity pages (several in turn), and the
service's static CSS.

There is nothing installable to compare with (CiviVolunteer is a PHP extension of CiviCRM,
Helfertool and Volunteer Planner are Django projects without a package), so the comparison is
the floor: the static file, what gunicorn, Flask and wrk cost with no page work on this machine,
as bench/public_calendar.py does.

Then the race (bench/engagement_race.py): a shift with --places places (10) and --people (200)
unconfirmed sign-ups, whose confirmation forms are all POSTed at once; timed, and checked: exactly
10 confirmed, 190 waiting, told the numbers 1..190 once each, in the queue's stored order.

Prints a Markdown table and writes it to bench/results/engagement-<date>.md. Databases and
gunicorn are stopped and removed at the end, also on Ctrl-C (--keep keeps the databases)."""

from __future__ import annotations

import argparse
import base64
import os
import platform
import signal
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import psycopg  # noqa: E402
import redis  # noqa: E402

import engagement_data  # noqa: E402
import engagement_race  # noqa: E402
import public_calendar as public  # noqa: E402  (its warm-up, log and table helpers)
import public_data  # noqa: E402
import public_http  # noqa: E402
from bench_databases import drop_database, sa_url  # noqa: E402
from served import served  # noqa: E402

TARGET_P95_MS = public.TARGET_P95_MS  # the public calendar's: a public page, 50 clients
FILTER = "stadtteil=Lobeda&thema=visiting&tag=werktags&zeit=afternoon&stunden=2"
STATIC = "/engagement/static/engagement.css"
HIT = b'<h3><a href="/engagement/'  # one search result


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--opportunities", type=int, default=None, help="published opportunities (default 1000, quick 100)")
    p.add_argument("--quick", action="store_true", help="100 opportunities, 3 s a URL (smoke run)")
    p.add_argument("--connections", type=int, default=50, help="concurrent clients (wrk connections)")
    p.add_argument("--duration", type=float, default=None, help="seconds measured per URL (default 15, quick 3)")
    p.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="unmeasured seconds per URL before, repeated while the rate still rises (default 5, quick 1)",
    )
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: deploy/gunicorn.conf.py's)")
    p.add_argument("--threads", type=int, default=None, help="gunicorn threads per worker (default: the config's)")
    p.add_argument("--wrk-threads", type=int, default=os.cpu_count() or 1, help="wrk threads")
    p.add_argument("--pages", type=int, default=50, help="opportunity pages requested in turn")
    p.add_argument("--places", type=int, default=10, help="places on the raced shift")
    p.add_argument("--people", type=int, default=200, help="people confirming at once")
    p.add_argument(
        "--db-prefix", default="treffpunkt_bench_engagement", help="databases <prefix>_identity, _engagement"
    )
    p.add_argument("--redis", default=os.environ.get("TREFFPUNKT_BENCH_REDIS", "redis://127.0.0.1:6379/13"))
    p.add_argument("--seed", type=int, default=20261206)
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument("--out", default=str(HERE / "results"), help="folder for the Markdown result")
    args = p.parse_args(argv)
    args.opportunities = args.opportunities or (100 if args.quick else 1000)
    args.duration = args.duration or (3.0 if args.quick else 15.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 5.0)
    args.max_requests = None  # the config's (public.table's wording and _warm_up read the same args)
    if args.opportunities < 10:
        p.error("--opportunities must be at least 10")
    if not 1 <= args.places < args.people:
        p.error("--places must be at least 1 and fewer than --people")
    if args.connections < 1 or (args.workers or 1) < 1 or (args.threads or 1) < 1:
        p.error("--connections, --workers and --threads must be at least 1")
    if not public_http.wrk_available():
        p.error("wrk is not installed: apt-get install -y wrk")
    return args


def run(args, folder: Path) -> tuple[str, dict]:
    identity_db, engagement_db = f"{args.db_prefix}_identity", f"{args.db_prefix}_engagement"
    started = time.monotonic()
    redis_keys_before = set(redis.Redis.from_url(args.redis).keys())
    secret = base64.b64encode(os.urandom(36)).decode()
    try:
        public.log(f"identity database {identity_db}: the ten partners")
        partners = public_data.make_identity(identity_db)
        engagement_data.make_engagement_db(engagement_db)
        public.log(f"engagement database {engagement_db}: {args.opportunities:,} published opportunities")
        load_started = time.monotonic()
        engagement_data.load(engagement_db, partners, args.opportunities, args.seed)
        load_seconds = time.monotonic() - load_started
        held = engagement_data.counts(engagement_db)
        public.log(f"loaded in {load_seconds:.1f} s: {held}")
        public.log(f"gunicorn: {public._gunicorn(args)}")
        urls = {"engagement_database_url": sa_url(engagement_db), "identity_database_url": sa_url(identity_db)}
        with served("engagement", urls, args.redis, folder, args.workers, args.threads, secret_key=secret) as (
            base,
            server_log,
        ):
            rows, hits = _measure(args, base, server_log, engagement_db, folder)
            public.log(f"the race: {args.people} people confirm at once for {args.places} places")
            prepared = engagement_race.prepare(engagement_db, secret, args.places, args.people)
            race = engagement_race.run(base, engagement_db, prepared, args.places)
            public.log(f"  {race}")
        facts = {
            "rows": rows,
            "hits": hits,
            "race": race,
            "held": held,
            "load_seconds": load_seconds,
            "seconds": time.monotonic() - started,
        }
        return table(args, facts), facts
    finally:
        public._forget_redis_keys(args.redis, redis_keys_before)
        if not args.keep:
            for name in (engagement_db, identity_db):
                drop_database(name)


def targets(args, engagement_db: str) -> list[dict]:
    ids = engagement_data.opportunity_ids(engagement_db, args.pages, args.seed)
    return [
        {"what": "search page, no filter (the newest 200)", "paths": ["/engagement/"], "page": True},
        {
            "what": "filtered search: Lobeda, Besuchsdienst, werktags, nachmittags, höchstens 2 Stunden",
            "paths": [f"/engagement/?{FILTER}"],
            "page": True,
        },
        {
            "what": f"opportunity pages ({len(ids)} in turn, a third with shifts)",
            "paths": [f"/engagement/{i}" for i in ids],
            "page": True,
        },
        {"what": "the service's CSS, a static file: the stack's floor, comparison", "paths": [STATIC], "page": False},
    ]


def _measure(args, base: str, server_log: Path, engagement_db: str, folder: Path) -> tuple[list[dict], dict]:
    plan = targets(args, engagement_db)
    hits = _check_answers(base, plan)
    rows = []
    for target in plan:
        public.log(f"{target['what']}: warm-up, then {args.duration:.0f} s measured")
        wrk_args = (base, target["paths"])
        common = dict(connections=args.connections, threads=args.wrk_threads, folder=folder)
        figures = {"warmup": public._warm_up(args, wrk_args, common)}
        since = server_log.stat().st_size
        figures.update(public_http.wrk(*wrk_args, seconds=args.duration, **common))
        figures["restarts"] = public_http.restarts(server_log, since)
        figures.update(target)
        rows.append(figures)
        public.log(
            f"  {figures['per_second']:.0f}/s, p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
            f"p99 {figures['p99']:.1f} ms, non-2xx/3xx {figures['non_2xx_3xx']}"
        )
    return rows, hits


def _check_answers(base: str, plan: list[dict]) -> dict:
    """Each URL answers 200 once before the load (a broken page would otherwise be measured as
    fast errors); returns how many opportunities the two search pages list."""
    for target in plan:
        for path in target["paths"][:3]:
            status, _headers, body = public_http.get(base, path)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
    return {path: public_http.get(base, path)[2].count(HIT) for path in ("/engagement/", f"/engagement/?{FILTER}")}


def table(args, f: dict) -> str:
    with psycopg.connect(f"{public_data.PG}/postgres") as conn:
        pg = next(version for (version,) in conn.execute("SHOW server_version"))
    held, race = f["held"], f["race"]
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(held["kinds"].items()))
    lines = [
        f"# Engagementbörse benchmark, {datetime.now().strftime('%Y-%m-%d %H:%M')}",
        "",
        f"`{' '.join(['bench/engagement.py'] + sys.argv[1:])}` — commit {public._commit()}, PostgreSQL {pg}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the "
        f"end); {held['opportunities']:,} published opportunities of 10 partners ({kinds}; {held['shifts']:,} "
        f"shifts), written through the models in {f['load_seconds']:.1f} s; gunicorn {public._gunicorn(args)} "
        f"(deploy/gunicorn.conf.py), wrk {args.connections} connections, {args.duration:.0f} s per URL after a "
        f"warm-up; run took {f['seconds']:.0f} s. No installable volunteer exchange to compare with (CiviVolunteer "
        "is PHP inside CiviCRM, Helfertool and Volunteer Planner are unpackaged Django projects): the comparison "
        "is the floor, a static file through the same stack.",
        "",
        f"| URL | what | req/s | p50 ms | p95 ms | p99 ms | non-2xx/3xx | bytes/answer | warm-up s | workers recycled "
        f"| p95 < {TARGET_P95_MS:.0f} ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in f["rows"]:
        url = r["paths"][0] if len(r["paths"]) == 1 else "/engagement/<id>"
        verdict = ("yes" if r["p95"] < TARGET_P95_MS else "**no**") if r["page"] else "(comparison)"
        errors = str(r["non_2xx_3xx"]) + (f" (+{r['socket_errors']} socket errors)" if r["socket_errors"] else "")
        what = r["what"] + (f" — {f['hits'][r['paths'][0]]} listed" if r["paths"][0] in f["hits"] else "")
        lines.append(
            f"| `{url}` | {what} | {r['per_second']:.1f} | {public._ms(r['p50'])} | {public._ms(r['p95'])} | "
            f"{public._ms(r['p99'])} | {errors} | {public._size(r['bytes_per_answer'])} | {r['warmup']:.0f} | "
            f"{r['restarts']} | {verdict} |"
        )
    waiting = race["people"] - race["places"]
    answered = ", ".join(f"{state}: {n}" for state, n in sorted(race["answered"].items()))
    stored = ", ".join(f"{state}: {n}" for state, n in sorted(race["stored"].items()))
    lines += [
        "",
        f"The race: {race['people']} people confirm their sign-up for a shift with {race['places']} places at "
        "the same moment (each opened its confirmation page first for the cookie and the CSRF token, then all "
        "POSTed the form at once).",
        "",
        "| what | must be | measured |",
        "|---|---|---|",
        f"| confirmed (stored) | {race['places']} | {race['stored'].get('confirmed', 0)} |",
        f"| waiting (stored) | {waiting} | {race['stored'].get('waiting', 0)} |",
        f"| answers | {race['places']} confirmed, {waiting} waiting | {answered} |",
        f"| waiting numbers told | 1..{waiting}, each once | {race['numbers_told']} told, "
        f"{race['numbers_distinct']} different{'' if race['numbers_expected'] else ', **not 1..' + str(waiting)}"
        f"{'' if race['numbers_expected'] else '**'} |",
        f"| told number ≠ place in the stored queue | 0 | {race['order_disagrees']} |",
        f"| sign-ups by state | – | {stored} |",
        f"| all confirmed within | – | {race['seconds']:.2f} s ({race['per_second']:.1f} confirmations/s) |",
        f"| one confirmation's answer | – | p50 {race['p50']:.0f} ms, p95 {race['p95']:.0f} ms, slowest "
        f"{race['slowest']:.0f} ms |",
        "",
        f"Outcome under the race: **{'correct' if race['correct'] else 'WRONG'}**.",
        "",
    ]
    return "\n".join(lines)


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    with tempfile.TemporaryDirectory(prefix="engagement-bench-") as tmp:
        try:
            text, facts = run(args, Path(tmp))
        except KeyboardInterrupt:
            public.log("interrupted: gunicorn stopped, databases dropped")
            return 130
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"engagement-{datetime.now().strftime('%Y-%m-%d')}{'-quick' if args.quick else ''}.md"
    path.write_text(text + "\n")
    public.log(f"written to {path}")
    clean = all(r["non_2xx_3xx"] == 0 and r["socket_errors"] == 0 for r in facts["rows"])
    return 0 if clean and facts["race"]["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
