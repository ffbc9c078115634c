"""Run a service's Alembic migrations programmatically (from the CLI, `make run` and tests)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic import context


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, url), revision)


def run_env(target_metadata) -> None:
    """Body of every service's migrations/env.py: online migrations against sqlalchemy.url."""
    from shared.db import make_engine

    url = context.config.get_main_option("sqlalchemy.url")
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
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        cfg = alembic_config(migrations_dir, url)
        command.upgrade(cfg, "head")
        command.revision(cfg, message=message, autogenerate=True)
