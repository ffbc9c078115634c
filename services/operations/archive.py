"""The backup archive: one uncompressed tar holding `manifest.json` and one dump per database.

The manifest says when the backup started and finished (the restore's re-opening of outboxes
starts from `started_at`), which program wrote it, and for each database its kind, the Alembic
revision it was at, its size and sha256. Reading an archive back checks all of that before
anything is restored: a truncated download or a flipped bit is found here, not half-way into a
database. Dumps are compressed already (pg_dump's custom format), so the tar is not."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from services.operations.errors import OperationFailed

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "treffpunkt-backup-"
STAMP = "%Y-%m-%dT%H%M%SZ"
NAME = re.compile(re.escape(PREFIX) + r"\d{4}-\d\d-\d\dT\d{6}Z\.tar$")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One database's dump inside the archive."""

    file: str
    kind: str  # "postgresql" or "sqlite"
    revision: str | None
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    started_at: datetime
    finished_at: datetime
    version: str
    parts: dict[str, Part] = field(default_factory=dict)  # database name -> its dump, in dump order
    format: int = FORMAT

    def to_json(self) -> bytes:
        data = asdict(self)
        data["started_at"], data["finished_at"] = self.started_at.isoformat(), self.finished_at.isoformat()
        return json.dumps(data, indent=2).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise OperationFailed(f"the archive's format {data.get('format')!r} is not {FORMAT}: a newer program?")
            return cls(
                started_at=_aware(data["started_at"]),
                finished_at=_aware(data["finished_at"]),
                version=str(data["version"]),
                parts={name: Part(**part) for name, part in data["parts"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OperationFailed(f"the archive's {MANIFEST} is not a Treffpunkt manifest ({exc})") from exc


def _aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value} has no time zone")
    return moment


def name_for(started_at: datetime) -> str:
    return f"{PREFIX}{started_at.strftime(STAMP)}.tar"


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def part_of(kind: str, revision: str | None, path: Path) -> Part:
    return Part(file=path.name, kind=kind, revision=revision, size=path.stat().st_size, sha256=digest(path))


def write(target: Path, manifest: Manifest, folder: Path) -> None:
    """The archive at `target`, from the manifest and its parts in `folder`; written under a
    temporary name and renamed, so an archive with its final name is always whole. Only its
    owner may read it."""
    partial = target.with_name(f".{target.name}.partial")
    partial.touch(mode=0o600)  # personal data of everyone: readable by its owner only
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            raw = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(raw), int(manifest.finished_at.timestamp())
            tar.addfile(info, io.BytesIO(raw))
            for part in manifest.parts.values():
                tar.add(folder / part.file, arcname=part.file, recursive=False)
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)  # a disk that filled up leaves no half archive behind


def read(archive: Path, folder: Path) -> Manifest:
    """Unpack `archive` into `folder` and check it: the manifest, exactly the parts it names (no
    other member, no path outside `folder`), each of its size and sha256."""
    if not archive.is_file():
        raise OperationFailed(f"{archive}: no such file")
    try:
        with tarfile.open(archive, "r:") as tar:
            members = {m.name: m for m in tar.getmembers()}
            if MANIFEST not in members:
                raise OperationFailed(f"{archive} holds no {MANIFEST}: not a Treffpunkt backup")
            manifest = Manifest.from_json(_bytes(tar, members[MANIFEST]))
            expected = {part.file for part in manifest.parts.values()}
            strangers = set(members) - expected - {MANIFEST}
            if strangers:
                raise OperationFailed(
                    f"{archive} holds files its manifest does not name: {', '.join(sorted(strangers))}"
                )
            for name, part in manifest.parts.items():
                member = members.get(part.file)
                if member is None or not member.isfile() or "/" in part.file or part.file.startswith("."):
                    raise OperationFailed(f"{archive} lacks the dump of {name} ({part.file})")
                tar.extract(member, folder, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise OperationFailed(f"{archive} cannot be read as a backup archive: {exc}") from exc
    for name, part in manifest.parts.items():
        path = folder / part.file
        if path.stat().st_size != part.size or digest(path) != part.sha256:
            raise OperationFailed(
                f"{archive}: the dump of {name} does not match its checksum (damaged or changed); do not restore it"
            )
    return manifest


def _bytes(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    f = tar.extractfile(member)
    if f is None:
        raise OperationFailed(f"{member.name} in the archive is not a file")
    return f.read(1 << 20)  # a manifest is a few hundred bytes: no more is read
