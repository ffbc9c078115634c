"""`treffpunkt`: the command line of the whole system (composition root, like services/run.py)."""

from __future__ import annotations

import os

import click

from shared.config import Settings, config_table
from shared.identity.cli import COMMANDS

from services.accounts.settings import AccountSettings
from services.databases import migrate_all
from services.demo import load_demo
from services.notify.settings import NotifySettings
from services.run import run_all

# every settings dataclass, in the order of the table in README.md
SETTINGS = (Settings, NotifySettings, AccountSettings)


@click.group()
def main():
    """Treffpunkt Generationen Jena: calendar, room exchange, notifications."""


@main.command()
def migrate():
    """Bring every database to the newest schema."""
    migrate_all(Settings.from_env())
    click.echo("all databases migrated")


@main.command()
def demo():
    """Load the Jena demo data (idempotent)."""
    for line in load_demo(Settings.from_env(demo=True)):
        click.echo(line)


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8080, type=int)
def run(host, port):
    """Everything on one machine: migrate, demo data, workers, beat, front door (make run)."""
    os.environ.setdefault("TREFFPUNKT_DEMO", "1")  # one machine, embedded defaults: demo mode
    run_all(host, port)


@main.command("config-table")
def show_config_table():
    """Print the configuration variables as a Markdown table (for README.md)."""
    click.echo(config_table(*SETTINGS))


for command in COMMANDS:
    main.add_command(command)
