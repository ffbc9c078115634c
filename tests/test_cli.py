"""The identity command line (`treffpunkt partner|account|app-password`) against the real
identity database; what it creates logs in on the web and over CalDAV/API."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from shared.identity.models import AuditEntry

from services.cli import main

from tests.support.login import login

SHELL = "Kommandozeile"


@pytest.fixture
def treffpunkt(settings, monkeypatch):
    for name, value in settings.to_env().items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def test_partner_account_and_app_password_from_the_shell(treffpunkt, rooms_app):
    made = treffpunkt(
        "partner",
        "create",
        "famz-nord",
        "Familienzentrum Nord",
        "--district",
        "Nord",
        "--email",
        "info@famz.example.org",
    )
    assert made.exit_code == 0 and "famz-nord created" in made.output
    assert "famz-nord" in treffpunkt("partner", "list").output

    account = treffpunkt(
        "account",
        "create",
        "anna",
        "Anna Beispiel",
        "--partner",
        "famz-nord",
        "--email",
        "anna@famz.example.org",
        "--password",
        "drei-woerter-lang",
    )
    assert account.exit_code == 0, account.output
    secret = treffpunkt("app-password", "anna", "--label", "Thunderbird").output.rsplit(": ", 1)[1].strip()

    login(rooms_app.test_client(), "anna", "drei-woerter-lang")  # the web form, with CSRF
    api = rooms_app.test_client()
    assert api.get("/api/rooms/rooms", auth=("anna", secret)).status_code == 200
    assert api.get("/api/rooms/rooms", auth=("anna", "drei-woerter-lang")).status_code == 401  # app passwords only


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ("account", "create", "bob", "Bob", "--partner", "gibt-es-nicht", "--password", "drei-woerter-lang"),
            "Unbekannter Partner 'gibt-es-nicht'",
        ),
        (("account", "create", "bob", "Bob", "--partner", "famz-nord", "--password", "kurz"), "mindestens 12 Zeichen"),
        (("account", "create", "bob", "Bob", "--password", "drei-woerter-lang"), "brauchen einen Partner"),
        (("partner", "create", "famz-nord", "Noch einmal", "--district", "Nord"), "gibt es schon"),
        (("partner", "create", "mars", "Mars", "--district", "Mars"), "'Mars' is not one of"),
        (("app-password", "niemand"), "niemand"),
    ],
)
def test_refusals_name_the_problem_and_change_nothing(treffpunkt, identity, accounts_app, args, message):
    treffpunkt("partner", "create", "famz-nord", "Familienzentrum Nord", "--district", "Nord")
    refused = treffpunkt(*args)
    assert refused.exit_code != 0 and message in refused.output, refused.output
    assert [p["slug"] for p in identity.partners()] == ["famz-nord"]
    assert identity.principal_by_username("bob") is None
    assert [e[1] for e in _log(accounts_app)] == ["partner_created"]  # nothing for the refusal


def _log(accounts_app) -> list[tuple[str, str, str, dict]]:
    """(actor, action, subject, changes) of each audit entry, oldest first."""
    with accounts_app.extensions["db"]() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_name, e.action, e.subject, json.loads(e.changes)) for e in entries]


def test_every_change_from_the_shell_is_in_the_audit_log(treffpunkt, accounts_app, people):
    shell = [
        ("partner", "create", "famz-nord", "Familienzentrum Nord", "--district", "Nord", "--email", "info@famz.de"),
        ("account", "create", "anna", "Anna B", "--partner", "famz-nord", "--password", "drei-woerter-lang"),
        ("account", "password", "anna", "--password", "ein-neues-langes-wort"),
        ("account", "deactivate", "anna"),
        ("account", "deactivate", "anna"),  # already closed: no change, no entry (as on the page)
        ("account", "activate", "anna"),
        ("app-password", "anna", "--label", "Thunderbird"),
    ]
    for args in shell:
        assert treffpunkt(*args).exit_code == 0
    secret = treffpunkt("app-password", "anna", "--label", "Handy").output.rsplit(": ", 1)[1].strip()
    assert treffpunkt("account", "password", "niemand", "--password", "ein-neues-langes-wort").exit_code != 0

    partner = {"slug": "famz-nord", "name": "Familienzentrum Nord", "district": "Nord", "address": ""}
    partner |= {"contact_email": "info@famz.de", "contact_phone": ""}  # every field, as the page records
    assert _log(accounts_app) == [
        (SHELL, "partner_created", "Familienzentrum Nord", {k: [None, v] for k, v in partner.items()}),
        (SHELL, "account_created", "Anna B", {"role": [None, "staff"], "partner": [None, "Familienzentrum Nord"]}),
        (SHELL, "password_set", "Anna B", {}),
        (SHELL, "account_deactivated", "Anna B", {"active": [True, False]}),
        (SHELL, "account_reactivated", "Anna B", {"active": [False, True]}),
        (SHELL, "app_password_created", "Anna B", {"label": [None, "Thunderbird"]}),
        (SHELL, "app_password_created", "Anna B", {"label": [None, "Handy"]}),
    ]

    office = accounts_app.test_client()
    login(office, "kora", service="account")
    page = office.get("/account/admin/audit").get_data(as_text=True)
    for words in (SHELL, "Partner angelegt", "Konto angelegt", "Passwort neu gesetzt", "App-Passwort angelegt"):
        assert words in page
    for secret_value in ("drei-woerter-lang", "ein-neues-langes-wort", secret):
        assert secret_value not in page


def test_new_password_and_closing_an_account(treffpunkt, rooms_app, people):
    assert treffpunkt("account", "password", "lena", "--password", "kurz").exit_code != 0
    changed = treffpunkt("account", "password", "lena", "--password", "ein-neues-langes-wort")
    assert changed.exit_code == 0, changed.output
    login(rooms_app.test_client(), "lena", "ein-neues-langes-wort")

    web = rooms_app.test_client()
    login(web, "otto")
    secret = people["otto"]["app_password"]
    assert rooms_app.test_client().get("/api/rooms/rooms", auth=("otto", secret)).status_code == 200
    assert treffpunkt("account", "deactivate", "otto").exit_code == 0
    assert web.get("/rooms/").status_code == 302  # the session ends with its next request
    # the CLI is another process: the app's remembered check still asks the database each time
    assert rooms_app.test_client().get("/api/rooms/rooms", auth=("otto", secret)).status_code == 401
    assert treffpunkt("account", "activate", "otto").exit_code == 0
    assert rooms_app.test_client().get("/api/rooms/rooms", auth=("otto", secret)).status_code == 200
    assert "niemand" in treffpunkt("account", "deactivate", "niemand").output
