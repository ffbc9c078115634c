"""Real PostgreSQL, Redis and RabbitMQ for the suite. Missing services fail the run; they never
skip it.

Under pytest-xdist each worker (PYTEST_XDIST_WORKER=gw0, gw1, ...) gets databases and a Redis
database of its own: `<prefix>_gwN_<name>` and the Redis database numbered TREFFPUNKT_TEST_REDIS's
plus N. A run with n workers therefore needs n Redis databases from that one on (Redis has 0-15)."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

from shared.config import Settings

from services.notify.settings import NotifySettings

PG_BASE = os.environ.get("TREFFPUNKT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
DATABASES = ("identity", "calendar", "rooms", "notify", "engagement")
REDIS_DATABASES = 16  # Redis's default `databases`: numbers 0-15
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw3" in an xdist worker, "" otherwise


def _worker_number() -> int:
    return int(WORKER.removeprefix("gw")) if WORKER else 0


def _database_number(redis_url: str) -> int:
    return int(urlsplit(redis_url).path.strip("/") or 0)


def _redis_for_worker(url: str) -> str:
    """The run's Redis URL with the database moved up by the worker's number."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{_database_number(url) + _worker_number()}"))


PREFIX = os.environ.get("TREFFPUNKT_TEST_DB_PREFIX", "treffpunkt_test") + (f"_{WORKER}" if WORKER else "")
# RabbitMQ, Celery's broker where an operator prefers it (CELERY_BROKER_URL): the production
# shape's test runs a booking through it, in a virtual host of its own (tests/support/rabbitmq.py)
AMQP_URL = os.environ.get("TREFFPUNKT_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
# 9: `make test`'s workers (9 and 10 by default; up to four) stay below the benchmarks' 13
REDIS_URL = _redis_for_worker(os.environ.get("TREFFPUNKT_TEST_REDIS", "redis://127.0.0.1:6379/9"))


class InfrastructureMissing(RuntimeError):
    pass


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def database_url(name: str) -> str:
    return f"{PG_BASE}/{PREFIX}_{name}"


def check_reachable(workers: int = 0) -> None:
    """PostgreSQL, Redis and RabbitMQ answer, and the Redis databases of `workers` xdist workers (or of this
    worker) exist."""
    last = _database_number(REDIS_URL) + max(workers - 1, 0)
    if last >= REDIS_DATABASES:
        raise InfrastructureMissing(
            f"Redis database {last} is beyond 0-{REDIS_DATABASES - 1} (one database per xdist worker, "
            "counted up from TREFFPUNKT_TEST_REDIS's): start at a lower one or run fewer workers (-n)."
        )
    for url in (PG_BASE, REDIS_URL, AMQP_URL):
        parts = urlsplit(url)
        try:
            socket.create_connection((parts.hostname, parts.port), timeout=3).close()
        except OSError as exc:
            raise InfrastructureMissing(
                f"{parts.scheme} at {parts.hostname}:{parts.port} is unreachable ({exc}). "
                "The suite needs real PostgreSQL, Redis and RabbitMQ; `make test` starts them where installed."
            ) from exc


def recreate_databases() -> None:
    with psycopg.connect(_libpq(PG_BASE) + "/postgres", autocommit=True) as conn:
        for name in DATABASES:
            db = f"{PREFIX}_{name}"
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')


def flush_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_settings(tmp_path, **overrides) -> Settings:
    values = dict(
        secret_key="test-secret-of-the-suite-32-bytes-or-more",
        identity_database_url=database_url("identity"),
        calendar_database_url=database_url("calendar"),
        rooms_database_url=database_url("rooms"),
        notify_database_url=database_url("notify"),
        engagement_database_url=database_url("engagement"),
        broker_url=REDIS_URL,
        public_url="http://127.0.0.1:8080",
        outbox_relay_seconds=0.5,
        # two test workers, each with five apps (one identity engine a process: shared.db.
        # shared_engine), their Celery workers, `treffpunkt run` and the benchmarks' servers share
        # PostgreSQL's 100 connections: one kept open an engine, more only while in use
        db_pool_size=1,
        # the sources' tests pull calendars from servers they start on loopback
        sources_allow_private=True,
    )
    values.update(overrides)
    os.environ["TREFFPUNKT_VAR"] = str(tmp_path)
    return Settings(**values)


def test_notify_settings(**overrides) -> NotifySettings:
    """Real SMTP and SMS (the suite's sink and fake gateway: their addresses come as overrides)."""
    return NotifySettings(**{"mail_backend": "smtp", "sms_backend": "webhook", **overrides})


# Reference data its migration seeds (no sequence): kept as seeded, restored after a test changed it
SEEDED = {"identity": ("vocabulary_terms",)}
_seeds: dict[str, list[tuple]] = {}

# Empties every table of the public schema but Alembic's and the seeded ones and restarts every
# sequence, in one round trip. DELETE, not TRUNCATE: TRUNCATE swaps each table's and index's files
# (about 0.1 s a test here), DELETE of the few rows a test leaves costs next to nothing. The
# connection runs with session_replication_role = replica, so foreign keys (their triggers) do not
# dictate an order.
_EMPTY = """
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN (%s) LOOP
        EXECUTE format('DELETE FROM %%I', t);
    END LOOP;
    PERFORM setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'S' AND n.nspname = 'public';
END $$
"""


def truncate_all() -> None:
    """Empty every table but Alembic's and the seeded ones, in all four databases (between
    tests), and restart every sequence."""
    for name in DATABASES:
        conn = _connection(name)
        for table in SEEDED.get(name, ()):
            _restore_seed(conn, table)
        kept = ", ".join(f"'{t}'" for t in ("alembic_version", *SEEDED.get(name, ())))
        conn.execute(_EMPTY % kept)


def remember_seeds() -> None:
    """Right after the migrations: what the seeded tables hold, for truncate_all to put back."""
    for name, tables in SEEDED.items():
        for table in tables:
            _seeds[table] = list(_connection(name).execute(f'SELECT * FROM "{table}" ORDER BY 1, 2'))


def _restore_seed(conn: psycopg.Connection, table: str) -> None:
    """The table as the migration left it, when a test changed it."""
    if table not in _seeds:
        return  # not migrated yet
    if list(conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2')) != _seeds[table]:
        conn.execute(f'DELETE FROM "{table}"')
        if _seeds[table]:
            marks = ", ".join(["%s"] * len(_seeds[table][0]))
            with conn.cursor() as cursor:
                cursor.executemany(f'INSERT INTO "{table}" VALUES ({marks})', _seeds[table])


_connections: dict[str, psycopg.Connection] = {}


def _connection(name: str) -> psycopg.Connection:
    """One autocommit connection per database for the whole session (a new one per test costs)."""
    conn = _connections.get(name)
    if conn is None or conn.closed:
        conn = _connections[name] = psycopg.connect(_libpq(database_url(name)), autocommit=True)
        conn.execute("SET session_replication_role = replica")  # see _EMPTY
    return conn
