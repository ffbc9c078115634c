"""The identity command line (`treffpunkt partner|account|app-password`) against the real
identity database; what it creates logs in on the web and over CalDAV/API."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.cli import main

from tests.support.login import login


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
def test_refusals_name_the_problem_and_change_nothing(treffpunkt, identity, args, message):
    treffpunkt("partner", "create", "famz-nord", "Familienzentrum Nord", "--district", "Nord")
    refused = treffpunkt(*args)
    assert refused.exit_code != 0 and message in refused.output, refused.output
    assert [p["slug"] for p in identity.partners()] == ["famz-nord"]
    assert identity.principal_by_username("bob") is None


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
