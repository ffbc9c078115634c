"""Fediverse benchmark (issue 16): one changed offering delivered to many follower inboxes, some
of them failing at first.

    .venv/bin/python bench/fediverse.py [--followers 1000] [--fail-rate 0.05] [--quick]

A partner's actor gets FOLLOWERS followers, each with an inbox of its own (no shared inbox: the
worst case, one delivery each) on a local HTTP sink in this process; FAIL_RATE of the inboxes
answer 503 to their first delivery. An offering is stored and the scan (calendar.federate) run;
real calendar worker processes deliver, signed, through calendar.deliver_activity, with the
retries production makes (the first after 30 s). Measured: time from the scan to the last
first attempt and to the last delivery, deliveries per second over the first attempts, lost and
duplicated deliveries, the deliveries' states. The table goes to stdout and
bench/results/fediverse-<date>.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402

from shared.config import Settings  # noqa: E402
from shared.db import transaction  # noqa: E402

from services import calendar  # noqa: E402
from services.calendar.fediverse import actors  # noqa: E402
from services.calendar.store.models import FediverseDelivery  # noqa: E402
from services.calendar.store.sql import SqlStore  # noqa: E402
from services.calendar.store.sql_fediverse import Fediverse  # noqa: E402
from services.databases import migrate_all  # noqa: E402

from bench.bench_databases import recreate_database, sa_url  # noqa: E402
from tests.support.calendar import weekly_event  # noqa: E402
from tests.support.workers import Worker  # noqa: E402

DATABASES = ("identity", "calendar", "rooms", "notify")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--followers", type=int, default=1000)
    p.add_argument("--fail-rate", type=float, default=0.05, help="share of inboxes answering 503 at first")
    p.add_argument("--quick", action="store_true", help="smoke run: 60 followers")
    p.add_argument("--workers", type=int, default=2, help="calendar worker processes")
    p.add_argument("--concurrency", type=int, default=8, help="threads of each worker")
    p.add_argument("--db-prefix", default="treffpunkt_bench_fedi", help="databases <prefix>_<service>")
    p.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="broker (this Redis database is flushed!)")
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--out", default=str(ROOT / "bench" / "results"))
    p.add_argument("--json", default="", help="also write the figures as JSON here")
    args = p.parse_args(argv)
    if args.quick:
        args.followers = 60
    return args


class Sink:
    """Every follower's inbox: /inbox/<n>. The failing ones answer 503 once."""

    def __init__(self, failing: set[int]):
        self.failing = set(failing)
        self.arrivals: Counter[tuple[int, str]] = Counter()  # (inbox, activity id) -> times
        self.first_attempt: dict[int, float] = {}
        self.delivered_at: dict[int, float] = {}
        self.refused = 0
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.server.socket.listen(1024)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def app(self, environ, start_response):
        request = Request(environ)
        number = int(request.path.rsplit("/", 1)[-1])
        body = json.loads(request.get_data())
        now = time.monotonic()
        with self.lock:
            self.first_attempt.setdefault(number, now)
            if number in self.failing:
                self.failing.discard(number)
                self.refused += 1
                return Response("busy", status=503)(environ, start_response)
            self.arrivals[(number, body["id"])] += 1
            self.delivered_at.setdefault(number, now)
        return Response(status=202)(environ, start_response)


def main(argv=None) -> int:
    args = parse_args(argv)
    names = {service: f"{args.db_prefix}_{service}" for service in DATABASES}
    for name in names.values():
        recreate_database(name)
    redis.Redis.from_url(args.redis).flushdb()
    var = Path(tempfile.mkdtemp(prefix="bench-fediverse-"))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per delivery
    os.environ["TREFFPUNKT_VAR"] = str(var)
    failing = {n for n in range(args.followers) if n % round(1 / args.fail_rate) == 0} if args.fail_rate else set()
    sink = Sink(failing)
    settings = Settings(
        secret_key="bench-secret-of-the-fediverse-run-32-bytes",
        **{f"{service}_database_url": sa_url(name) for service, name in names.items()},
        broker_url=args.redis,
        public_url="http://127.0.0.1:9",  # nobody fetches our actor here: the sink does not verify
        fediverse_allow_private=True,
        db_pool_size=4,
    )
    migrate_all(settings)
    app = calendar.create_app({"SETTINGS": settings})
    partner_id = app.extensions["identity"].create_partner("mgh-lobeda", "Mehrgenerationenhaus Lobeda", "Lobeda", "")
    with app.app_context(), transaction(app.extensions["db"]) as session:
        actor = actors.of_partner(session, partner_id)
        store = Fediverse(session)
        for n in range(args.followers):
            follower = f"{sink.url}/users/{n}"
            store.follow(actor.id, follower, f"{sink.url}/inbox/{n}", "", follower + "#follow")
    workers = [
        Worker("calendar", settings, var, pool="threads", concurrency=args.concurrency) for _ in range(args.workers)
    ]
    errors: list[str] = []
    try:
        for worker in workers:
            worker.wait_ready()
        with transaction(app.extensions["db"]) as session:
            store_ = SqlStore(session)
            own = store_.ensure_partner_calendar(partner_id, "lobeda", "Angebote MGH Lobeda")
            store_.put(own.id, "cafe.ics", weekly_event("cafe", "Seniorencafé"))
        started = time.monotonic()
        app.extensions["celery"].tasks["calendar.federate"].apply().get()
        deadline = started + args.timeout
        while len(sink.delivered_at) < args.followers and time.monotonic() < deadline:
            time.sleep(0.2)
        finished = time.monotonic()
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        for worker in workers:
            worker.stop()
    with transaction(app.extensions["db"]) as session:
        states = Counter(session.scalars(select(FediverseDelivery.state)))
    delivered = len(sink.delivered_at)
    duplicated = sum(times - 1 for times in sink.arrivals.values())
    if delivered < args.followers:
        errors.append(f"only {delivered} of {args.followers} delivered within {args.timeout:g} s")
    first_done = max(sink.first_attempt.values()) - started if sink.first_attempt else float("nan")
    figures = {
        "followers": args.followers,
        "failing_first": len(failing),
        "refused_503": sink.refused,
        "delivered": delivered,
        "lost": args.followers - delivered,
        "duplicated": duplicated,
        "seconds_to_last_first_attempt": round(first_done, 2),
        "first_attempts_per_second": round(len(sink.first_attempt) / first_done, 1) if first_done else None,
        "seconds_to_last_delivery": round(finished - started, 2),
        "delivery_states": dict(states),
        "workers": f"{args.workers} × {args.concurrency} threads",
        "errors": errors,
    }
    table = "\n".join(
        [
            f"# Fediverse delivery, {date.today().isoformat()}",
            "",
            "One changed offering (Create) to followers with an inbox each; failing inboxes answer 503 once,",
            "retried by the worker after 30 s (fediverse/delivery.py BACKOFF).",
            "",
            "| figure | value |",
            "|---|---|",
            *(f"| {key.replace('_', ' ')} | {value} |" for key, value in figures.items() if key != "errors"),
        ]
    )
    print(table)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"fediverse-{date.today().isoformat()}.md").write_text(table + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(figures))
    for error in errors:
        print("ERROR:", error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
