"""Each service's Alembic history builds exactly the tables its models describe (PostgreSQL),
and runs on SQLite too (make run)."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.db import make_engine

from tests.support import infra

# Things only the migration knows about, on purpose: PostgreSQL's guarantee against double booking.
DATABASE_ONLY = {("rooms", "during")}


# where each database's models live
MODELS = {
    "identity": ("shared.identity.models", "IdentityBase"),
    "calendar": ("services.calendar.store.models", "Base"),
    "rooms": ("services.rooms.db.models", "Base"),
    "notify": ("services.notify.models", "Base"),
    "engagement": ("services.engagement.db.models", "Base"),
}


def _metadata(service: str):
    module, base = MODELS[service]
    return getattr(importlib.import_module(module), base).metadata


@pytest.mark.parametrize("service", infra.DATABASES)
def test_models_and_migrations_agree(settings, service):
    def include(obj, name, type_, reflected, compare_to):
        return (service, name) not in DATABASE_ONLY

    engine = make_engine(infra.database_url(service))
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        diff = compare_metadata(context, _metadata(service))
    engine.dispose()
    # exclusion constraints and partial indexes written by hand in migrations show up as
    # index/constraint noise; what matters is that no table or column is missing or extra
    tables_and_columns = [
        d for d in diff if isinstance(d, tuple) and d[0] in ("add_table", "remove_table", "add_column", "remove_column")
    ]
    assert tables_and_columns == []


def test_all_migrations_run_on_sqlite(tmp_path):
    from dataclasses import replace

    from shared.config import Settings

    from services.databases import migrate_all

    base = Settings.from_env()
    migrate_all(
        replace(base, **{f"{name}_database_url": f"sqlite:///{tmp_path}/{name}.db" for name in infra.DATABASES})
    )
    for name in infra.DATABASES:
        assert (tmp_path / f"{name}.db").stat().st_size > 0


@pytest.mark.parametrize("service", ["calendar", "rooms", "notify"])
def test_receipts_revision_goes_down_and_up_on_sqlite_keeping_sent_rows_closed(tmp_path, service):
    """The outbox receipts revision: rows published before it count as confirmed (an upgrade
    publishes nothing again); it can be undone."""
    from alembic import command
    from sqlalchemy import text

    from shared.migrate import alembic_config

    url = f"sqlite:///{tmp_path}/{service}.db"
    cfg = alembic_config(importlib.import_module(f"services.{service}").MIGRATIONS, url)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, _before_receipts(cfg))
    engine = make_engine(url)
    with engine.begin() as conn:
        for n, sent in enumerate(("2026-11-01 10:00:00", None)):
            conn.execute(
                text(
                    "INSERT INTO outbox (message_id, task_name, payload, created_at, next_attempt_at,"
                    " sent_at, attempts, last_error) VALUES (:m, 't', '{}', :c, :c, :s, 1, '')"
                ),
                {"m": f"m-{n}", "c": "2026-11-01 09:00:00", "s": sent},
            )
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT message_id, confirmed_at IS NOT NULL FROM outbox")).all())
    engine.dispose()
    assert rows == {"m-0": 1, "m-1": 0}


def _before_receipts(cfg) -> str:
    """The revision just before the one that added outbox receipts (later ones may follow it)."""
    from alembic.script import ScriptDirectory

    [receipts] = [r for r in ScriptDirectory.from_config(cfg).walk_revisions() if "outbox receipts" in (r.doc or "")]
    return receipts.down_revision
