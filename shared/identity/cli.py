"""`treffpunkt partner|account|app-password ...`: manage identity from the shell. Every change
leaves its entry in the audit log (actor "Kommandozeile"), written with it in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click

from shared.config import Settings
from shared.db import make_engine, make_session_factory
from shared.identity import audit
from shared.identity.models import DISTRICTS, ROLES
from shared.identity.rules import MIN_PASSWORD
from shared.identity.store import IdentityError, IdentityStore

P = ParamSpec("P")
T = TypeVar("T")


def _long_enough(_ctx: click.Context, _param: click.Parameter, password: str | None) -> str | None:
    if password is not None and len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"mindestens {MIN_PASSWORD} Zeichen (z. B. drei Wörter mit Bindestrichen)")
    return password


def store() -> IdentityStore:
    return IdentityStore(make_session_factory(make_engine(Settings.from_env().identity_database_url)))


def _run(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    try:
        return fn(*args, **kwargs)
    except IdentityError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("partner")
def partner() -> None:
    """Partner organisations."""


@partner.command("create")
@click.argument("slug")
@click.argument("name")
@click.option("--district", type=click.Choice(DISTRICTS), required=True)
@click.option("--address", default="")
@click.option("--email", default="")
@click.option("--phone", default="")
def partner_create(slug: str, name: str, district: str, address: str, email: str, phone: str) -> None:
    """Create partner SLUG named NAME."""
    pid = _run(store().create_partner, slug, name, district, address, email, phone, actor=audit.COMMAND_LINE)
    click.echo(f"partner {slug} created (id {pid})")


@partner.command("list")
def partner_list() -> None:
    """The partners: id, slug, district, name."""
    for p in store().partners():
        click.echo(f"{p['id']:>4}  {p['slug']:<24} {p['district']:<10} {p['name']}")


@click.group("account")
def account() -> None:
    """Staff and coordination accounts."""


@account.command("create")
@click.argument("username")
@click.argument("display_name")
@click.option("--partner", "partner_slug", default=None, help="slug of the partner (staff)")
@click.option("--role", type=click.Choice(ROLES), default="staff")
@click.option("--email", default="")
@click.option("--phone", default="")
@click.option("--language", type=click.Choice(["de", "en"]), default="de")
@click.password_option(
    help=f"web login password, at least {MIN_PASSWORD} characters (asked if not given)", callback=_long_enough
)
def account_create(
    username: str,
    display_name: str,
    partner_slug: str | None,
    role: str,
    email: str,
    phone: str,
    language: str,
    password: str,
) -> None:
    """Create account USERNAME shown as DISPLAY_NAME: staff of a partner, or the coordination office."""
    aid = _run(
        store().create_account,
        username,
        display_name,
        partner_slug=partner_slug,
        role=role,
        email=email,
        phone=phone,
        password=password,
        language=language,
        actor=audit.COMMAND_LINE,
    )
    click.echo(f"account {username} created (id {aid})")


@account.command("password")
@click.argument("username")
@click.password_option(
    help=f"the new web login password, at least {MIN_PASSWORD} characters (asked if not given)", callback=_long_enough
)
def account_password(username: str, password: str) -> None:
    """Set a new web login password for USERNAME (someone forgot theirs)."""
    _run(store().set_password, username, password, actor=audit.COMMAND_LINE)
    click.echo(f"password of {username} changed")


@account.command("deactivate")
@click.argument("username")
def account_deactivate(username: str) -> None:
    """Close USERNAME's account: no more web login, CalDAV or API (data stays)."""
    _run(store().set_active, username, False, actor=audit.COMMAND_LINE)
    click.echo(f"account {username} deactivated")


@account.command("activate")
@click.argument("username")
def account_activate(username: str) -> None:
    """Open a closed account again."""
    _run(store().set_active, username, True, actor=audit.COMMAND_LINE)
    click.echo(f"account {username} active again")


@click.command("app-password")
@click.argument("username")
@click.option("--label", default="CalDAV", help="which device or program uses it")
def app_password(username: str, label: str) -> None:
    """Create an app password for USERNAME (CalDAV and API); shown once."""
    secret = _run(store().create_app_password, username, label, actor=audit.COMMAND_LINE)
    click.echo(f"app password for {username} ({label}): {secret}")


COMMANDS = (partner, account, app_password)
