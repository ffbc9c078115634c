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


def _metadata(service: str):
    if service == "identity":
        from shared.identity.models import IdentityBase

        return IdentityBase.metadata
    return importlib.import_module(f"services.{service}.models").Base.metadata


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
    tables_and_columns = [d for d in diff if isinstance(d, tuple) and d[0] in
                          ("add_table", "remove_table", "add_column", "remove_column")]
    assert tables_and_columns == []


def test_all_migrations_run_on_sqlite(tmp_path):
    from dataclasses import replace

    from services.cli import migrate_all
    from shared.config import Settings

    base = Settings.from_env()
    migrate_all(replace(base, **{f"{name}_database_url": f"sqlite:///{tmp_path}/{name}.db"
                                 for name in infra.DATABASES}))
    for name in infra.DATABASES:
        assert (tmp_path / f"{name}.db").stat().st_size > 0
