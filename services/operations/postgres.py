"""One PostgreSQL database, dumped and restored with PostgreSQL's own tools.

pg_dump's custom format without owners and privileges restores into any database of any role;
pg_restore runs it in one transaction and stops at the first error, so a restore that fails
leaves the database as empty as it was. The password goes to the tools in PGPASSWORD, never on
their command line (which every user of the machine can read)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from services.operations.errors import OperationFailed

TOOL_SECONDS = 3 * 3600  # a ceiling for one dump or restore: far above any database of this size
CLIENT_TOOLS = "PostgreSQL's client tools (Debian/Ubuntu: apt-get install postgresql-client)"


def where(url: str) -> str:
    """The URL to show people: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A connection string libpq understands (no SQLAlchemy driver name, no password) and the
    environment that carries the password."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(tool: str, url: str, *args: str) -> None:
    program = shutil.which(tool)
    if program is None:
        raise OperationFailed(f"{tool} was not found on PATH: install {CLIENT_TOOLS}, of the server's version or newer")
    dsn, env = _libpq(url)
    try:
        done = subprocess.run(
            [program, *args, f"--dbname={dsn}"], env=env, capture_output=True, text=True, timeout=TOOL_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        raise OperationFailed(f"{tool} on {where(url)} took longer than {TOOL_SECONDS} s and was stopped") from exc
    if done.returncode != 0:
        said = " ".join(done.stderr.strip().splitlines()[-3:]) or f"exit status {done.returncode}"
        raise OperationFailed(f"{tool} failed on {where(url)}: {said}")


def dump(url: str, path: Path) -> None:
    _run("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges", f"--file={path}")


def restore(url: str, path: Path) -> None:
    # pg_restore takes the archive as its last argument; --dbname comes from _run, before it
    _run("pg_restore", url, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(path))


def wipe_statements() -> tuple[str, ...]:
    """What empties a database for --replace: its public schema, with every table, sequence, type
    and extension in it, dropped and made anew (the dump creates them again)."""
    return ("DROP SCHEMA IF EXISTS public CASCADE", "CREATE SCHEMA public")


def create_missing(url: str) -> bool:
    """Create the database `url` names when the server lacks it (a service new in this release,
    on a server whose databases were made for an older one); False when it exists. The role of
    `url` creates it, from the server's maintenance database `postgres`, as
    deploy/postgres/init-databases.sh does on a new volume."""
    parsed = make_url(url)
    try:
        with psycopg.connect(_plain(parsed)):
            return False
    except psycopg.OperationalError as exc:
        if f'database "{parsed.database}" does not exist' not in str(exc):
            return False  # unreachable, a wrong password …: migrate itself reports it, as before
    name = str(parsed.database)
    try:
        with psycopg.connect(_plain(parsed.set(database="postgres")), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())
        raise OperationFailed(
            f"database {name} does not exist on {where(url)} and cannot be created ({reason}): "
            f'create it (CREATE DATABASE "{name}" OWNER <the role of the URL>), then migrate again'
        ) from exc
    return True


def _plain(parsed: URL) -> str:
    """A libpq connection string with the password in it (for psycopg in this process only)."""
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)
