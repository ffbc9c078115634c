"""The authenticator secrets sealed at rest (shared/sealing.py): a copy of the identity database
must not let anyone make a person's codes. Keys from SECOND_FACTOR_KEY; without it from
SECRET_KEY, so a new SECRET_KEY makes them unreadable: those people log in with a recovery code
and set up again."""

from __future__ import annotations

from shared import sealing
from shared.sealing import Unreadable

__all__ = ["Sealer", "Unreadable"]


class Sealer(sealing.Sealer):
    purpose = b"treffpunkt second factor secrets"
    setting = "SECOND_FACTOR_KEY"
