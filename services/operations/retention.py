"""Which old archives a backup folder keeps: the newest N (a nightly backup with the default 14
keeps two weeks). Only files named like our archives are ever touched."""

from __future__ import annotations

from pathlib import Path

from services.operations.archive import NAME


def archives(folder: Path) -> list[Path]:
    """The folder's archives, oldest first (their names sort by time)."""
    return sorted((p for p in folder.iterdir() if p.is_file() and NAME.match(p.name)), key=lambda p: p.name)


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives (0: keep all); returns those removed."""
    if keep < 1:
        return []
    old = archives(folder)[:-keep]
    for path in old:
        path.unlink()
    return old
