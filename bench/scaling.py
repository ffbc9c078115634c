"""Scaling benchmark (issue 14): the booking path end to end in the production shape, with 1, 2
and 4 Celery worker processes per queue.

    .venv/bin/python bench/scaling.py                     # 400 bookings, 16 clients, 1/2/4 processes
    .venv/bin/python bench/scaling.py --rabbitmq          # and once more with RabbitMQ as the broker
    .venv/bin/python bench/scaling.py --quick             # smoke run: 40 bookings, 4 clients, 1 and 2

The shape is docker-compose.yml's, run on this machine by tests/support/production.py: `treffpunkt
migrate`, the four web services under gunicorn (WEB_CONCURRENCY 2, 2 threads), one prefork Celery
worker per queue with `--concurrency N`, one beat, Caddy in front; mail goes to an SMTP sink in
this process. For each configuration the databases (<db-prefix>_identity, ...) are made anew
(and dropped at the end), one partner with one room and one API user per client thread is
created, every web worker checks each app password once (Argon2, slow by design and then
remembered), and then every client posts its bookings through Caddy (POST /api/rooms/bookings,
HTTP Basic) as fast as it gets answers.

Measured: bookings per second from the first POST until the last confirmation email has reached
the SMTP sink (the whole path: API, rooms' database and outbox, broker, notify's worker, SMTP),
the API's answer times (p50, p95), how long after the last answer the last mail arrived, and the
most PostgreSQL connections the shape held. Then the notify worker alone: it is stopped, a second
burst of bookings queues their confirmations, and it is started again with N processes and
NOTIFY_RATE_EMAIL=0 (production's 20 mails/s, all workers together, is the provider's limit, not
the workers'); measured: mails per second from its first to its last mail.

With --rabbitmq one more run uses RabbitMQ as Celery's broker through Celery's own
CELERY_BROKER_URL; REDIS_URL stays for what must be shared between processes besides messages
(login throttle, notify's rate buckets). Prints a Markdown table and writes it to
bench/results/scaling-<date>.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import psycopg  # noqa: E402
import redis  # noqa: E402
from kombu import Connection  # noqa: E402

from shared import contracts  # noqa: E402
from shared.db import make_engine, make_session_factory, transaction  # noqa: E402
from shared.identity.models import DISTRICTS  # noqa: E402
from shared.identity.store import IdentityStore  # noqa: E402

from services.rooms.booking.rooms import create_room  # noqa: E402

from bench_databases import PG, drop_database, recreate_database, sa_url  # noqa: E402
from rooms_data import BERLIN, PASSWORD  # noqa: E402
from rooms_http import Client, booking_body, warm_up  # noqa: E402
from tests.support.infra import DATABASES as infra_databases  # noqa: E402
from tests.support.production import Infrastructure, Shape, free_port, local_variables  # noqa: E402
from tests.support.smtp import SmtpSink  # noqa: E402

DATABASES = infra_databases  # every database of the system, as the suite has them
QUEUES = contracts.QUEUES  # every queue with a worker
WEB, THREADS = 2, 2
MAIL_WAIT = 600  # seconds the last confirmation may take before the run counts as incomplete


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bookings", type=int, default=None, help="in the burst (default 400, quick 40)")
    p.add_argument("--clients", type=int, default=None, help="client threads (default 16, quick 4)")
    p.add_argument("--concurrency", type=int, nargs="+", default=None, help="worker processes per queue")
    p.add_argument("--rabbitmq", action="store_true", help="one more run with RabbitMQ as Celery's broker")
    p.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672//", help="RabbitMQ for --rabbitmq")
    p.add_argument("--quick", action="store_true", help="40 bookings, 4 clients, 1 and 2 processes")
    p.add_argument("--db-prefix", default="treffpunkt_bench_scaling", help="its four databases (made anew)")
    p.add_argument("--redis", default=os.environ.get("TREFFPUNKT_BENCH_REDIS", "redis://127.0.0.1:6379/13"))
    p.add_argument("--out", default=str(HERE / "results"), help="folder for the Markdown result")
    args = p.parse_args(argv)
    args.bookings = args.bookings or (40 if args.quick else 400)
    args.clients = args.clients or (4 if args.quick else 16)
    args.concurrency = args.concurrency or ([1, 2] if args.quick else [1, 2, 4])
    return args


@dataclass
class Result:
    broker: str
    concurrency: int
    bookings: int
    created: int
    mailed: int
    seconds: float
    p50: float
    p95: float
    mail_lag: float
    connections: int
    drained: float  # mails/s of the notify worker working off a backlog, without the rate limit

    def row(self) -> str:
        rate = f"{self.created / self.seconds:.1f}" if self.mailed == self.created else "incomplete"
        return (
            f"| {self.broker} | {self.concurrency} | {self.bookings} | {self.created} | {self.mailed} | {rate} "
            f"| {self.p50:.0f} | {self.p95:.0f} | {self.mail_lag:.1f} | {self.connections} | {self.drained:.1f} |"
        )


HEADER = (
    "| broker | worker processes per queue | bookings sent | created (201) | confirmations mailed "
    "| bookings/s, first POST to last mail | API p50 ms | API p95 ms | last mail after last answer, s "
    "| PostgreSQL connections (most) | notify backlog, mails/s |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def make_people(prefix: str, clients: int) -> list[tuple[str, int]]:
    """One partner per client with one room and one API user (app password PASSWORD)."""
    identity_engine = make_engine(sa_url(f"{prefix}_identity"), pool_size=1)
    rooms_engine = make_engine(sa_url(f"{prefix}_rooms"), pool_size=1)
    try:
        identity = IdentityStore(make_session_factory(identity_engine))
        people = []
        for n in range(clients):
            district = DISTRICTS[n % len(DISTRICTS)]
            partner = identity.create_partner(f"partner-{n}", f"Partner {n}", district)
            username = f"bucher{n}"
            identity.create_account(
                username, f"Bucher {n}", partner_slug=f"partner-{n}", email=f"{username}@bench.invalid"
            )
            identity.create_app_password(username, "bench", PASSWORD)
            with transaction(make_session_factory(rooms_engine)) as session:
                room = create_room(session, partner, name=f"Raum {n}", district=district, capacity=20)
            people.append((username, room.id))
        return people
    finally:
        identity_engine.dispose()
        rooms_engine.dispose()


def slots(count: int, first: date) -> list[tuple[datetime, datetime]]:
    """`count` one-hour slots of one room, ten a day from 8:00 (Berlin), day after day."""
    out = []
    for n in range(count):
        day = first + timedelta(days=n // 10)
        start = datetime(day.year, day.month, day.day, 8 + n % 10, tzinfo=BERLIN)
        out.append((start, start + timedelta(hours=1)))
    return out


class ConnectionWatch:
    """The most connections to the run's databases, sampled every 0.2 s."""

    def __init__(self, prefix: str):
        self.prefix, self.most, self._stop = prefix, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            while not self._stop.wait(0.2):
                query = "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE %s"
                self.most = max(self.most, conn.execute(query, (self.prefix + "\\_%",)).fetchone()[0])

    def __enter__(self) -> ConnectionWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def drop_queues(amqp_url: str) -> None:
    """The services' queues on RabbitMQ deleted: it keeps what an earlier run left (durable)."""
    with Connection(amqp_url, connect_timeout=5) as conn:
        for queue in QUEUES:
            channel = conn.channel()
            try:
                channel.queue_delete(queue)
            except Exception:  # not declared (yet): nothing to delete; the error closed the channel
                pass


def burst(
    base: str, people: list[tuple[str, int]], per_client: int, first_day: date
) -> tuple[int, list[float], float, float]:
    """Every client books `per_client` slots of its own room from `first_day` on. Returns
    (created, latencies in ms, first POST, last answer) in time.monotonic() seconds."""
    latencies, created, lock = [], [0], threading.Lock()

    def client(person: tuple[str, int]) -> None:
        username, room = person
        session = Client(base, username)
        for n, slot in enumerate(slots(per_client, first_day)):
            started = time.perf_counter()
            status, body = session.call("POST", "/api/rooms/bookings", booking_body(room, slot, f"Last {n}"))
            took = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(took)
                created[0] += status == 201
            if status != 201:
                print(f"  {username}: {status} {body}", file=sys.stderr)

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        list(pool.map(client, people))
    return created[0], latencies, began, time.monotonic()


def wait_for_mails(sink: SmtpSink, count: int) -> float:
    """When the sink held `count` mails (time.monotonic()), or MAIL_WAIT seconds passed."""
    deadline = time.monotonic() + MAIL_WAIT
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return time.monotonic()


def drain_rate(shape: Shape, sink: SmtpSink, people: list[tuple[str, int]], per_client: int, first_day: date) -> float:
    """Mails per second of the notify worker working off the confirmations of a burst booked
    while it was stopped, without production's rate limit: from its first mail to its last, so
    its start-up does not count (nan when not all arrived)."""
    shape.stop_service("worker-notify")
    sink.handler.messages.clear()
    created, _latencies, _began, _answered = burst(shape.url, people, per_client, first_day)
    shape.start_service("worker-notify", {"NOTIFY_RATE_EMAIL": "0"})
    deadline = time.monotonic() + MAIL_WAIT
    while not sink.messages and time.monotonic() < deadline:
        time.sleep(0.002)
    first = time.monotonic()
    done = wait_for_mails(sink, created)
    return (created - 1) / (done - first) if len(sink.messages) == created > 1 else float("nan")


def run_one(args, sink: SmtpSink, concurrency: int, broker: str) -> Result:
    for name in DATABASES:
        recreate_database(f"{args.db_prefix}_{name}")
    redis.Redis.from_url(args.redis).flushdb()
    if broker != args.redis:
        drop_queues(broker)
    sink.handler.messages.clear()
    port = free_port()
    variables = local_variables(f":{port}", f"http://127.0.0.1:{port}", sink.port)
    infra = Infrastructure({n: sa_url(f"{args.db_prefix}_{n}") for n in DATABASES}, args.redis)
    if broker != args.redis:  # as an operator sets it in .env; compose passes it on
        variables["CELERY_BROKER_URL"] = broker
    with tempfile.TemporaryDirectory(prefix="scaling-") as folder, ConnectionWatch(args.db_prefix) as watch:
        shape = Shape(Path(folder), infra, variables, web=WEB, threads=THREADS, concurrency=concurrency)
        with shape:
            people = make_people(args.db_prefix, args.clients)
            warm_up(shape.url, [u for u, _ in people], WEB)
            per_client = -(-args.bookings // args.clients)
            first_day = date.today() + timedelta(days=14)
            created, latencies, began, answered = burst(shape.url, people, per_client, first_day)
            last_mail = wait_for_mails(sink, created)
            time.sleep(1)  # anything more than one mail per booking would show now
            mailed = len(sink.messages)
            drained = drain_rate(shape, sink, people, per_client, first_day + timedelta(days=per_client // 10 + 1))
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    rabbitmq = broker != args.redis
    if rabbitmq:
        drop_queues(broker)
    label = "RabbitMQ" if rabbitmq else "Redis"
    return Result(
        label,
        concurrency,
        per_client * args.clients,
        created,
        mailed,
        last_mail - began,
        cuts[49],
        cuts[94],
        last_mail - answered,
        watch.most,
        drained,
    )


def main(argv=None) -> int:
    args = parse(argv)
    runs = [(n, args.redis) for n in args.concurrency]
    if args.rabbitmq:
        runs.append((max(args.concurrency), args.amqp))
    results = []
    with SmtpSink() as sink:
        for concurrency, broker in runs:
            print(f"running: {concurrency} worker processes per queue, broker {broker.split('://')[0]}", flush=True)
            results.append(run_one(args, sink, concurrency, broker))
    for name in DATABASES:
        drop_database(f"{args.db_prefix}_{name}")
    table = "\n".join([HEADER, *(r.row() for r in results)])
    about = (
        f"Scaling benchmark, {date.today()}, {platform.node()} ({os.cpu_count()} CPUs): {args.clients} client "
        f"threads, gunicorn {WEB} workers × {THREADS} threads per web service, DB_POOL_SIZE 1."
    )
    print(f"\n{about}\n\n{table}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"scaling-{date.today()}{'-quick' if args.quick else ''}.md").write_text(f"{about}\n\n{table}\n")
    complete = all(r.mailed == r.created == r.bookings for r in results)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
