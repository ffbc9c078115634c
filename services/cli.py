"""`treffpunkt`: the command line of the whole system (composition root, like services/run.py)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from shared.config import Settings, config_table
from shared.db import transaction
from shared.identity.cli import COMMANDS

from services import rooms
from services.accounts.settings import AccountSettings
from services.databases import migrate_all
from services.demo import load_demo
from services.engagement.settings import EngagementSettings
from services.notify.settings import NotifySettings
from services.operations import backup as backups, restore as restores
from services.operations.databases import all_databases
from services.operations.errors import OperationFailed
from services.operations.revisions import standing
from services.rooms.booking.rooms import announce_all
from services.run import run_all

# every settings dataclass, in the order of the table in README.md
SETTINGS = (Settings, NotifySettings, AccountSettings, EngagementSettings)


@click.group()
def main():
    """Treffpunkt Generationen Jena: calendar, room exchange, notifications, Engagementbörse."""


@main.command()
@click.option("--check", is_flag=True, help="Change nothing: exit 1 unless every database is at its newest revision.")
def migrate(check):
    """Bring every database to the newest schema."""
    settings = Settings.from_env()
    if not check:
        with operator_errors():  # a database new in this release, on a server set up for an older one
            for database in all_databases(settings):
                if database.create_if_missing():
                    click.echo(f"created database {database.name} ({database.where})")
        migrate_all(settings)
        click.echo("all databases migrated")
        return
    with operator_errors():
        standings = [standing(database) for database in all_databases(settings)]
    for each in standings:
        click.echo(each.line())
    if not all(each.ok for each in standings):
        raise SystemExit(1)


@main.command()
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the archive (default: BACKUP_DIR).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=0),
    help="Keep the newest N archives there, remove older ones; 0 keeps all (default: BACKUP_KEEP).",
)
def backup(folder, keep):
    """All five databases into one dated archive (README: Backup and restore)."""
    settings = Settings.from_env()
    with operator_errors():
        done = backups.back_up(
            settings, folder or settings.backup_folder, settings.backup_keep if keep is None else keep
        )
    seconds = (done.manifest.finished_at - done.manifest.started_at).total_seconds()
    sizes = ", ".join(f"{name} {part.size:,} bytes" for name, part in done.manifest.parts.items())
    click.echo(f"{done.archive} ({sizes}; {seconds:.1f} s)")
    for old in done.removed:
        click.echo(f"removed {old}")


@main.command()
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Only check the archive (manifest, sizes, checksums); restore nothing.")
@click.option("--replace", is_flag=True, help="Drop everything in the target databases first (they need not be empty).")
def restore(archive, check, replace):
    """Restore an archive of `treffpunkt backup` into the databases the settings name (empty ones)."""
    with operator_errors():
        if check:
            manifest = restores.check(archive)
        else:
            restored = restores.restore(Settings.from_env(), archive, replace=replace)
            manifest = restored.manifest
    click.echo(f"{archive}: backup of {manifest.started_at:%Y-%m-%d %H:%M:%S} UTC by treffpunkt {manifest.version}")
    for name, part in manifest.parts.items():
        click.echo(f"  {name}: {part.kind}, revision {part.revision or '(none)'}, {part.size:,} bytes, checksum ok")
    if check:
        return
    for name, reopened in restored.reopened.items():
        click.echo(f"  {name}: {reopened.confirmed} sent messages opened again, {reopened.due} open ones due now")
    click.echo("restored; run `treffpunkt migrate` if the archive is from an older release, then start the services")


@contextmanager
def operator_errors() -> Iterator[None]:
    """An OperationFailed ends the command with its message and exit status 1, no traceback."""
    try:
        yield
    except OperationFailed as exc:
        raise click.ClickException(str(exc)) from exc


@main.command("announce-rooms")
def announce_rooms():
    """Tell the calendar every room again (after an upgrade; the outbox sends them)."""
    rooms_app = rooms.create_app({"SETTINGS": Settings.from_env()})
    with transaction(rooms_app.extensions["db"]) as session:
        count = announce_all(session)
    click.echo(f"{count} rooms announced to the calendar")


@main.command()
def mailin():
    """Rooms by email: take invitations to raum-<id>@ROOM_MAIL_DOMAIN over LMTP or SMTP (MAILIN_*)."""
    from services.rooms.mailin.server import serve  # aiosmtpd only where it runs

    settings = Settings.from_env()
    if settings.log_format == "text":  # json: the app factory sets up the root logger itself
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # aiosmtpd logs every sender and recipient address at INFO: no personal data in our logs
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    serve(rooms.create_app({"SETTINGS": settings}))


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
    os.environ.setdefault("SOURCES_ALLOW_PRIVATE", "1")  # the demo may pull a calendar from this machine
    run_all(host, port)


@main.command("config-table")
def show_config_table():
    """Print the configuration variables as a Markdown table (for README.md)."""
    click.echo(config_table(*SETTINGS))


for command in COMMANDS:
    main.add_command(command)

if __name__ == "__main__":  # `python -m services.cli`: the same as the `treffpunkt` script
    main()
