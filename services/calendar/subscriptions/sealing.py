"""The app passwords of CalDAV sources sealed at rest (shared/sealing.py): a copy of the
calendar database must not hand out the partners' passwords for their other calendars. Keys
from SOURCES_KEY; without it from SECRET_KEY."""

from __future__ import annotations

from shared import sealing
from shared.sealing import Unreadable

__all__ = ["Sealer", "Unreadable", "sealer_of"]


class Sealer(sealing.Sealer):
    purpose = b"treffpunkt calendar source passwords"
    setting = "SOURCES_KEY"


def sealer_of(settings) -> Sealer:
    return Sealer(settings.sources_key, settings.secret_key)
