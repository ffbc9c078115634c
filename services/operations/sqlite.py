"""One SQLite file (make run), copied with SQLite's online backup API: a consistent copy while
the services keep writing (WAL), never a half-written file as a plain copy could be."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from services.operations.errors import OperationFailed


def path_of(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise OperationFailed(f"{url} is not a SQLite file: nothing to back up or restore")
    return Path(database)


def _copy(source: str, target: Path, *, uri: bool = False) -> None:
    with closing(sqlite3.connect(source, uri=uri)) as src, closing(sqlite3.connect(target)) as dest:
        src.backup(dest)


def dump(url: str, path: Path) -> None:
    source = path_of(url)
    if not source.is_file():
        raise OperationFailed(f"{source} does not exist: nothing to back up (has `treffpunkt migrate` run?)")
    try:
        _copy(f"{source.as_uri()}?mode=ro", path, uri=True)  # read-only: never creates the file
    except sqlite3.Error as exc:
        raise OperationFailed(f"cannot read {source}: {exc}") from exc


def restore(url: str, path: Path) -> None:
    target = path_of(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy(str(path), target)
    except sqlite3.Error as exc:
        raise OperationFailed(f"cannot write {target}: {exc}") from exc


def wipe(url: str) -> None:
    """--replace: the file and its write-ahead log go (no service may have it open)."""
    target = path_of(url)
    for part in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        part.unlink(missing_ok=True)
