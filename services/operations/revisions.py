"""Where each database's schema stands against the newest migration of its history, for
`treffpunkt migrate --check` (a deploy pipeline asks before it starts new code) and the backup
manifest. Reads only: nothing is migrated."""

from __future__ import annotations

from dataclasses import dataclass

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from shared.migrate import alembic_config

from services.operations.databases import Database


@dataclass(frozen=True)
class Standing:
    database: str
    current: str | None
    head: str
    state: str  # "current", "behind" (migrate brings it up), "empty" (never migrated), "unknown"

    @property
    def ok(self) -> bool:
        return self.state == "current"

    def line(self) -> str:
        what = {
            "current": "at head",
            "behind": "behind: `treffpunkt migrate` brings it to head",
            "empty": "never migrated: `treffpunkt migrate` creates its tables",
            "unknown": "at a revision this program does not know (written by a newer release?)",
        }[self.state]
        return f"{self.database}: {self.current or '(none)'}, head {self.head}: {what}"


def _script(database: Database) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(database.migrations, database.url))


def head_of(database: Database) -> str:
    """The newest revision of the database's history (each history is kept linear)."""
    head = _script(database).get_current_head()
    assert head is not None  # every history has revisions
    return head


def standing(database: Database) -> Standing:
    script = _script(database)
    head = head_of(database)
    current = database.revision()
    if current is None:
        return Standing(database.name, None, head, "empty")
    if current == head:
        return Standing(database.name, current, head, "current")
    try:
        behind = any(r.revision == current for r in script.iterate_revisions(head, "base"))
    except CommandError:
        behind = False
    return Standing(database.name, current, head, "behind" if behind else "unknown")
