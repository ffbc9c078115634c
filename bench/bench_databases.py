"""The PostgreSQL databases a benchmark makes for itself on this machine (127.0.0.1:5432, trust
auth): their addresses, and dropping and creating them."""

from __future__ import annotations

import psycopg

PG = "postgresql://postgres@127.0.0.1:5432"


def sa_url(name: str) -> str:
    """The database's address as SQLAlchemy takes it (psycopg 3)."""
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def recreate_database(name: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
