"""New databases for the operations tests and the upgrade test: named after this run's prefix
(`<prefix>_<tag>_<name>`), empty, dropped again afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from shared.config import Settings
from shared.db import make_engine

from tests.support import infra


def admin_connection() -> psycopg.Connection:
    """The suite's PostgreSQL server as its superuser, in its maintenance database."""
    return psycopg.connect(infra._libpq(infra.PG_BASE) + "/postgres", autocommit=True)


@contextmanager
def new_databases(settings: Settings, tag: str) -> Iterator[Settings]:
    """`settings` with its five database URLs naming new, empty databases."""
    names = {name: f"{infra.PREFIX}_{tag}_{name}" for name in infra.DATABASES}
    with admin_connection() as admin:
        for db in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db}"')
    try:
        yield replace(settings, **{f"{name}_database_url": f"{infra.PG_BASE}/{db}" for name, db in names.items()})
    finally:
        with admin_connection() as admin:
            for db in names.values():
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def rows(url: str, sql: str, **params) -> list:
    """The rows of one query against the database at `url` (no pool left behind)."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), params))
    finally:
        engine.dispose()


def drop_database(url: str) -> None:
    """The database `url` names gone from the server (as on one set up before it existed)."""
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
