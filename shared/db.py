"""SQLAlchemy plumbing shared by the services: engines, sessions, transactions.

Each service calls these with its own URL and keeps its own engine; nothing connects at import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, overload

from sqlalchemy import create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
@overload
def as_utc(moment: datetime | None) -> datetime | None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A stored moment as aware UTC: SQLite (make run) hands back naive UTC, PostgreSQL aware."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def make_engine(url: str, *, statement_timeout_ms: int | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`. SQLite (make run only) gets WAL, a busy timeout (a writer waits up to
    30 s for the lock instead of failing at once) and write transactions that take the write lock
    at BEGIN, so check-then-write is serialised. On PostgreSQL `statement_timeout_ms` bounds every
    statement, lock waits included (the services' engines: no request or task can hold a
    connection for ever).

    A database error's text leaves out the statement's parameters (SQLAlchemy would append
    them: names, addresses, numbers), as it ends up in logs."""
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _sqlite_serialised_writes(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if statement_timeout_ms is not None and url.startswith("postgresql"):
        kwargs.setdefault("connect_args", {})["options"] = f"-c statement_timeout={int(statement_timeout_ms)}"
    return create_engine(url, **kwargs)


@lru_cache(maxsize=16)
def shared_engine(url: str, *, statement_timeout_ms: int | None = None, pool_size: int = 5) -> Engine:
    """One engine per process for a database several apps of that process read (identity: the
    front door of `make run`, the test processes and `treffpunkt run` hold all five apps), so
    that each keeps one pool of connections rather than one per app; PostgreSQL allows 100."""
    return make_engine(url, statement_timeout_ms=statement_timeout_ms, pool_size=pool_size)


def _sqlite_serialised_writes(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let us emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


T = TypeVar("T")
# what `transaction` and `autocommit` take: a service's sessionmaker, or a OneConnection
SessionFactory = Callable[[], Session]


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """The unit of work: everything written in the block commits together when it ends, and
    nothing does when it is left by an exception (a refused booking, a conflict, a crash).
    Messages added to the outbox inside it are published after the commit (shared.outbox)."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def autocommit(factory: SessionFactory) -> Iterator[Session]:
    """The one named exception to `transaction`: on PostgreSQL each statement commits by itself.
    For work that is one statement at a time and must hold no snapshot or lock in between —
    reads that are one statement each (a booking preview), claims and outcomes of deliveries —
    it saves the BEGIN and COMMIT round trips. SQLite (make run) keeps explicit transactions;
    there, as for anything left open, leaving the block rolls back."""
    with factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            yield session
        finally:
            session.rollback()


class OneConnection:
    """A session factory whose sessions all use one checked-out connection (`one_connection`).
    Sessions come from the service's own sessionmaker, so its hooks (publish after commit) and
    options (expire_on_commit) apply as to any other session."""

    def __init__(self, factory: sessionmaker[Session], connection: Connection) -> None:
        self.factory, self.connection = factory, connection

    def __call__(self) -> Session:
        return self.factory(bind=self.connection)


@contextmanager
def one_connection(factory: sessionmaker[Session] | OneConnection) -> Iterator[OneConnection]:
    """Sessions of `factory` on one database connection, checked out of the pool once for the
    whole block: work of several steps (a notify task: accept a message, then claim, send and
    record each delivery) pays for one checkout and one pre-ping instead of one per step. Give
    what it yields to `transaction` like any factory; blocks on it must not overlap (one
    connection holds one transaction at a time). Inside another `one_connection`: the same one."""
    if isinstance(factory, OneConnection):
        yield factory
        return
    with factory.kw["bind"].connect() as connection:
        yield OneConnection(factory, connection)


@contextmanager
def autocommit_connection(factory: sessionmaker[Session] | OneConnection) -> Iterator[OneConnection]:
    """`autocommit` for a run of single-statement steps on one connection (`one_connection`):
    on PostgreSQL every statement on it commits by itself for the whole block. Its writes are
    still written as `transaction(...)` blocks — on PostgreSQL their BEGIN and COMMIT then cost
    no round trip (a claim, or recording "sent" after the provider's OK, is one), on SQLite (make
    run) they are the real transactions it keeps. Given a connection of an outer
    `one_connection`, its isolation level is restored at the end (the pool does that otherwise)."""
    outer = isinstance(factory, OneConnection)
    with one_connection(factory) as statements:
        connection = statements.connection
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield statements
        finally:
            if postgres and outer and not connection.invalidated and not connection.in_transaction():
                connection.execution_options(isolation_level=connection.default_isolation_level)


def per_dialect(build: Callable[[ModuleType], T]) -> Callable[[Session], T]:
    """A statement built once per database dialect and then reused: `build(dialect)` gets the
    dialect module (postgresql, or sqlite in make run) for INSERT … ON CONFLICT. A statement
    object used again keeps SQLAlchemy's compiled form and cache key; a hot path then only binds
    parameters. Returns `get(session)`."""

    @cache
    def built(name: str) -> T:
        return build(postgresql if name == "postgresql" else sqlite)

    def get(session: Session) -> T:
        return built(session.get_bind().dialect.name)

    return get
