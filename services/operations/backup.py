"""`treffpunkt backup`: every database into one dated archive, then old archives pruned.

Why the archive is consistent enough. The five databases are dumped one after another, each as
one consistent snapshot (pg_dump's transaction; SQLite's backup API), at moments T_calendar <
T_rooms < T_engagement < T_identity < T_notify, all after `started_at`. Between services only messages pass,
through each sender's outbox and each receiver's inbox (shared/outbox.py). A message can go
wrong in a restore in two ways:

1. Lost: the sender's snapshot holds the row as confirmed, the receiver's snapshot lacks it. The
   receipt comes after the receiver's commit, and a receiver dumped before its sender may commit
   after its own snapshot but before the sender's. Every such confirmation happened after
   `started_at`, so the restore re-opens every outbox row confirmed at or after `started_at`
   (less CLOCK_SKEW, for the clocks of other machines) and makes every open row due at once (the
   broker's queues are not in the backup): the relay sends them all again, and each receiver's
   inbox drops the copies it has recorded. Nothing committed before `started_at` is lost.
2. An effect without its cause: a receiver dumped after its sender holds the effect of a message
   the sender committed after its own snapshot. The order is chosen so this cannot happen where
   it would leave wrong data: calendar before rooms (no calendar entry for a booking that the
   restored rooms lack), rooms, calendar and engagement before identity (every account and partner
   they name exists), and notify last (engagement only sends it mail to deliver). Notify last
   means its snapshot may hold a delivery for a booking or an offer of help committed during the
   backup and missing from it: a record of an email that really went out.
   The one flow against the order, calendar -> rooms (an offering asking for a room), can leave
   a booking made for a wish the restored calendar does not hold; rooms' own messages about that
   booking are re-sent, so the calendar shows it.

Email and SMS: notify last also keeps the window for a second copy small. A delivery that went
out after notify's snapshot was taken (during the last seconds of the backup, or later if this
archive is restored after running on) is queued or sending in the restored database, and the
delivery sweep sends it again: after a restore a few people may get a message twice. A message
never goes missing."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import timedelta
from importlib import metadata
from pathlib import Path

from shared.clock import utcnow
from shared.config import Settings

from services.operations import archive, retention
from services.operations.archive import Manifest
from services.operations.databases import Database, all_databases
from services.operations.errors import OperationFailed

CLOCK_SKEW = timedelta(minutes=5)  # how far another machine's clock may be behind this one's


@dataclass(frozen=True)
class Done:
    archive: Path
    manifest: Manifest
    removed: list[Path]


def program_version() -> str:
    try:
        return metadata.version("treffpunkt")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def back_up(settings: Settings, folder: Path, keep: int = 0, databases: list[Database] | None = None) -> Done:
    """Dump every database (`databases`, all by default) into a new archive in `folder`; then keep
    only the newest `keep` archives there (0: all)."""
    chosen = all_databases(settings) if databases is None else databases
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OperationFailed(f"cannot create the backup folder {folder}: {exc}") from exc
    for database in chosen:  # all reachable before the first dump, not a half backup
        database.revision()
    started = utcnow()
    target = folder / archive.name_for(started)
    if target.exists():
        raise OperationFailed(f"{target} exists already (one backup a second at most)")
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as scratch:
        parts = {}
        for database in chosen:
            path = Path(scratch) / f"{database.name}.{'sqlite' if database.kind == 'sqlite' else 'pgdump'}"
            revision = database.revision()
            database.dump(path)
            parts[database.name] = archive.part_of(database.kind, revision, path)
        manifest = Manifest(started_at=started, finished_at=utcnow(), version=program_version(), parts=parts)
        try:
            archive.write(target, manifest, Path(scratch))
        except OSError as exc:
            raise OperationFailed(f"cannot write {target}: {exc}") from exc
    return Done(target, manifest, retention.prune(folder, keep))
