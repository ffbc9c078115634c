"""The system's five databases as the operator's commands see them: a name, a URL (PostgreSQL in
production, SQLite files in make run), its Alembic history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from shared.config import Settings
from shared.db import make_engine
from shared.identity import MIGRATIONS as IDENTITY_MIGRATIONS

from services.databases import MIGRATIONS
from services.operations import postgres, sqlite
from services.operations.errors import OperationFailed

# The order a backup dumps them in; backup.py explains it.
BACKUP_ORDER = ("calendar", "rooms", "engagement", "identity", "notify")


@dataclass(frozen=True)
class Database:
    name: str
    url: str
    migrations: Path

    @property
    def kind(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgresql"

    @property
    def where(self) -> str:
        return postgres.where(self.url)

    @contextmanager
    def connected(self) -> Iterator[Connection]:
        """One connection, no pool; an unreachable database is an OperationFailed naming it."""
        engine = make_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                yield connection
        except DBAPIError as exc:
            reason = " ".join(str(exc.orig).split())
            raise OperationFailed(f"database {self.name} ({self.where}): {reason}") from exc
        finally:
            engine.dispose()

    def create_if_missing(self) -> bool:
        """True when the database had to be made (PostgreSQL only: SQLite makes its file itself)."""
        return self.kind == "postgresql" and postgres.create_missing(self.url)

    def tables(self) -> list[str]:
        with self.connected() as connection:
            return sorted(inspect(connection).get_table_names())

    def revision(self) -> str | None:
        """The Alembic revision the database is at (None: never migrated)."""
        with self.connected() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def dump(self, path: Path) -> None:
        if self.kind == "sqlite":
            sqlite.dump(self.url, path)
        else:
            postgres.dump(self.url, path)

    def restore(self, path: Path) -> None:
        if self.kind == "sqlite":
            sqlite.restore(self.url, path)
        else:
            postgres.restore(self.url, path)

    def wipe(self) -> None:
        if self.kind == "sqlite":
            sqlite.wipe(self.url)
            return
        with self.connected() as connection:
            for statement in postgres.wipe_statements():
                connection.execute(text(statement))
            connection.commit()


def all_databases(settings: Settings) -> list[Database]:
    """Every database, in BACKUP_ORDER."""
    histories = {"identity": IDENTITY_MIGRATIONS, **MIGRATIONS}
    return [Database(name, settings.database_url(name), histories[name]) for name in BACKUP_ORDER]
