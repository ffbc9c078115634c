"""Database reads done at scrape time or by /healthz: each on a connection whose statements end
after SCRAPE_STATEMENT_MS (PostgreSQL), so a slow database makes a scrape fail fast instead of
piling up waiting requests; each query also reads a bounded number of rows (see its caller)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

SCRAPE_STATEMENT_MS = 2000  # Prometheus' default scrape timeout is 10 s; healthz's probe waits 6 s


@contextmanager
def bounded_read(engine: Engine, timeout_ms: int = SCRAPE_STATEMENT_MS) -> Iterator[Connection]:
    """A connection for reads only: its transaction is rolled back when the block ends."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL statement_timeout = {int(timeout_ms)}"))
        yield conn
