"""Run a service's Alembic migrations programmatically (from the CLI, `make run` and tests)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from shared.db import make_engine


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, url), revision)


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py: online migrations against sqlalchemy.url."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None  # alembic_config sets it
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def autogenerate(migrations_dir: Path, message: str) -> None:
    """Developer helper: write a new revision by comparing models with a scratch SQLite db."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        cfg = alembic_config(migrations_dir, url)
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True)
