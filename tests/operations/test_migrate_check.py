"""`treffpunkt migrate --check` for deploy pipelines: exit 0 only when every database is at its
newest revision; otherwise each database's revision and head, and exit 1. It changes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from shared.config import Settings
from shared.migrate import alembic_config, upgrade

from services.cli import main
from services.databases import migrate_all
from services.operations.databases import all_databases

from tests.operations.support import admin_connection, rows
from tests.support import infra


def _check(monkeypatch, settings) -> tuple[int, str]:
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["migrate", "--check"])
    return result.exit_code, result.output


@pytest.fixture
def on_sqlite(tmp_path):
    """Settings with the five databases as SQLite files in a folder of their own (make run)."""
    base = Settings(secret_key="s" * 40)
    return replace(
        base,
        **{
            f"{name}_database_url": f"sqlite:///{tmp_path}/{name}.db"
            for name in ("identity", "calendar", "rooms", "notify", "engagement")
        },
    )


def _previous(database) -> str:
    script = ScriptDirectory.from_config(alembic_config(database.migrations, database.url))
    down = script.get_revision(script.get_current_head()).down_revision
    assert isinstance(down, str)
    return down


def test_every_database_at_head_passes(settings, monkeypatch):
    code, output = _check(monkeypatch, settings)
    assert code == 0, output
    assert output.count("at head") == 5


def test_a_database_behind_fails_naming_its_revision_and_head_and_stays_as_it_was(on_sqlite, monkeypatch):
    migrate_all(on_sqlite)
    rooms = next(d for d in all_databases(on_sqlite) if d.name == "rooms")
    rooms.wipe()
    upgrade(rooms.migrations, rooms.url, _previous(rooms))

    code, output = _check(monkeypatch, on_sqlite)
    assert code == 1
    assert f"rooms: {_previous(rooms)}, head " in output and "behind" in output
    assert output.count("at head") == 4
    assert rooms.revision() == _previous(rooms)  # checked, not migrated


def test_a_database_never_migrated_or_ahead_fails(on_sqlite, monkeypatch):
    migrate_all(on_sqlite)
    notify = next(d for d in all_databases(on_sqlite) if d.name == "notify")
    with notify.connected() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
        connection.commit()
    calendar = next(d for d in all_databases(on_sqlite) if d.name == "calendar")
    calendar.wipe()

    code, output = _check(monkeypatch, on_sqlite)
    assert code == 1
    assert "notify: f00dfeedbeef" in output and "does not know" in output
    assert "calendar: (none)" in output and "never migrated" in output
    assert rows(notify.url, "SELECT version_num FROM alembic_version") == [("f00dfeedbeef",)]


def test_an_unreachable_database_is_an_error_not_a_traceback(settings, monkeypatch):
    unreachable = replace(settings, rooms_database_url="postgresql+psycopg://postgres@127.0.0.1:1/rooms")
    code, output = _check(monkeypatch, unreachable)
    assert code == 1 and "database rooms" in output and "Traceback" not in output


def test_a_missing_database_the_role_may_not_create_is_named_with_what_to_do(settings, monkeypatch):
    """`treffpunkt migrate` creates a database new in this release (tests/test_upgrade.py); a role
    without CREATEDB gets the operator's message instead of a traceback, and nothing is made."""
    role, name = f"{infra.PREFIX}_no_createdb", f"{infra.PREFIX}_never_made"
    with admin_connection() as admin:
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        url = make_url(infra.PG_BASE).set(username=role, database=name).render_as_string(hide_password=False)
        for variable, value in replace(settings, engagement_database_url=url).to_env().items():
            monkeypatch.setenv(variable, value)
        result = CliRunner().invoke(main, ["migrate"])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert f"database {name} does not exist" in result.output and "cannot be created" in result.output
        assert f'CREATE DATABASE "{name}"' in result.output
        with admin_connection() as admin:
            assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
