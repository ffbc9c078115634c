"""`treffpunkt restore ARCHIVE`: an archive's dumps into empty databases, then the outboxes
re-opened so that nothing sent around the backup's time is lost (backup.py, reopen.py).

Stop the services first (web, workers, beat) and start them after: the relay then sends what
was re-opened. The databases are those the settings name, so a restore onto a new machine or
into new databases needs only other URLs. Each database is restored in one transaction; every
target is checked (reachable, empty, the same kind of database as in the archive) before the
first is written, so a refusal leaves everything as it was."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from shared.clock import utcnow
from shared.config import Settings

from services.operations import archive
from services.operations.backup import CLOCK_SKEW
from services.operations.databases import Database, all_databases
from services.operations.errors import OperationFailed
from services.operations.reopen import Reopened, reopen


@dataclass(frozen=True)
class Restored:
    manifest: archive.Manifest
    reopened: dict[str, Reopened]  # database name -> its outbox rows opened again / made due


def check(path: Path) -> archive.Manifest:
    """Read the archive and check every part's size and checksum; restore nothing."""
    with tempfile.TemporaryDirectory(prefix="treffpunkt-check-") as scratch:
        return archive.read(path, Path(scratch))


def restore(settings: Settings, path: Path, replace: bool = False) -> Restored:
    """Restore every database in the archive into the databases `settings` name. They must be
    empty, unless `replace`: then everything in them is dropped first."""
    with tempfile.TemporaryDirectory(prefix="treffpunkt-restore-") as scratch:
        manifest = archive.read(path, Path(scratch))
        targets = _targets(settings, manifest)
        _check_targets(targets, manifest, replace)
        reopened = {}
        since = manifest.started_at - CLOCK_SKEW
        for database in targets:
            if replace:
                database.wipe()
            database.restore(Path(scratch) / manifest.parts[database.name].file)
            with database.connected() as connection:
                reopened[database.name] = reopen(connection, since, utcnow())
                connection.commit()
    return Restored(manifest, reopened)


def _targets(settings: Settings, manifest: archive.Manifest) -> list[Database]:
    known = {database.name: database for database in all_databases(settings)}
    unknown = set(manifest.parts) - set(known)
    if unknown:
        raise OperationFailed(f"the archive holds databases this program does not know: {', '.join(sorted(unknown))}")
    return [known[name] for name in manifest.parts]


def _check_targets(targets: list[Database], manifest: archive.Manifest, replace: bool) -> None:
    problems = []
    for database in targets:
        part = manifest.parts[database.name]
        if part.kind != database.kind:
            problems.append(
                f"the archive's {database.name} is a {part.kind} dump, but {database.where} is {database.kind}"
            )
            continue
        tables = database.tables()
        if tables and not replace:
            problems.append(f"database {database.name} ({database.where}) is not empty ({len(tables)} tables)")
    if problems:
        raise OperationFailed(
            "nothing restored:\n  "
            + "\n  ".join(problems)
            + "\nA restore goes into empty databases: create new ones and point the *_DATABASE_URL settings at"
            " them, or pass --replace to drop everything in the databases first."
        )
