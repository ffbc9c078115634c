"""Every database of the system brought to the newest schema: identity first, then each
service's own. Used by `treffpunkt migrate`, `make run` and the tests."""

from __future__ import annotations

from pathlib import Path

from shared.config import Settings
from shared.identity import MIGRATIONS as IDENTITY_MIGRATIONS
from shared.migrate import upgrade

from services import calendar, engagement, notify, rooms

SERVICES = ("calendar", "rooms", "notify", "engagement")  # each with a database of its own
# every queue with a worker: the account pages keep their outbox in the identity database
WORKERS = (*SERVICES, "accounts")
MIGRATIONS: dict[str, Path] = {
    "calendar": calendar.MIGRATIONS,
    "rooms": rooms.MIGRATIONS,
    "notify": notify.MIGRATIONS,
    "engagement": engagement.MIGRATIONS,
}


def migrate_all(settings: Settings) -> None:
    upgrade(IDENTITY_MIGRATIONS, settings.identity_database_url)
    for name in SERVICES:
        upgrade(MIGRATIONS[name], settings.database_url(name))
