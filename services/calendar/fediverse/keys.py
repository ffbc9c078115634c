"""The actors' private signing keys, sealed at rest (shared/sealing.py): a copy of the calendar
database (a backup, a dump for support) would otherwise let anyone sign activities as the
network, and peers would believe them. Keys from FEDIVERSE_KEY; without it from SECRET_KEY. A
key that opens nothing makes new key pairs (actors.py): peers fetch the new public key on their
next verification."""

from __future__ import annotations

from shared import sealing
from shared.sealing import Unreadable

__all__ = ["Sealer", "Unreadable", "sealer"]


class Sealer(sealing.Sealer):
    purpose = b"treffpunkt fediverse actor keys"
    setting = "FEDIVERSE_KEY"


def sealer(settings) -> Sealer:
    return Sealer(settings.fediverse_key, settings.secret_key)
