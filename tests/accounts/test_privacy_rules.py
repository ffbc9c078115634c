"""Who may export and erase what (DSGVO), as rules and through the pages (no workers needed:
the messages stay in the identity outbox)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from shared import contracts
from shared.identity.models import AccountsOutbox, DataRequest

from services.accounts.domain.permissions import Actor
from services.accounts.domain.privacy import can_export, erase_refusal, erased_username

from tests.accounts.conftest import post_form
from tests.support.login import login

OFFICE, LENA = Actor(3, "coordination", 3), Actor(1, "staff", 1)


def test_a_person_exports_their_own_data_and_the_office_anyones():
    assert can_export(LENA, 1) and not can_export(LENA, 2)
    assert can_export(OFFICE, 1) and not can_export(None, 1)


@pytest.mark.parametrize(
    ("actor", "target", "role", "active", "others", "refusal"),
    [
        (OFFICE, 1, "staff", True, 0, None),
        (LENA, 2, "staff", True, 1, "not_allowed"),
        (None, 2, "staff", True, 1, "not_allowed"),
        (OFFICE, 3, "coordination", True, 1, "own_account"),
        (OFFICE, 4, "coordination", True, 0, "last_coordinator"),
        (OFFICE, 4, "coordination", True, 1, None),
        (OFFICE, 4, "coordination", False, 0, None),  # a closed one leaves the open ones as they are
    ],
)
def test_who_may_erase_which_account(actor, target, role, active, others, refusal):
    assert erase_refusal(actor, target, role, active, others) == refusal


def test_an_erased_user_name_says_nothing_and_is_new_each_time():
    names = {erased_username() for _ in range(100)}
    assert len(names) == 100 and all(n.startswith("ehemalig-") and len(n) <= 60 for n in names)


@pytest.fixture
def client_of(accounts_app, people):
    def logged_in(username):
        client = accounts_app.test_client()
        login(client, username, service="account")
        return client

    return logged_in


def test_staff_cannot_open_the_office_pages_nor_ask_for_someone_elses_data(client_of, people):
    lena = client_of("lena")
    assert lena.get("/account/privacy/").status_code == 403
    otto = people["otto"]["id"]
    assert lena.get(f"/account/privacy/accounts/{otto}").status_code == 403
    assert lena.get(f"/account/privacy/accounts/{otto}/erase").status_code == 403
    refused = post_form(lena, f"/account/privacy/accounts/{otto}/export", {}, page="/account/")
    assert refused.status_code == 403


def test_asking_twice_while_gathering_asks_nobody_twice(client_of, accounts_app):
    lena = client_of("lena")
    first = post_form(lena, "/account/privacy/export", {}, page="/account/")
    second = post_form(lena, "/account/privacy/export", {}, page="/account/")
    assert first.status_code == second.status_code == 303 and first.location == second.location
    waiting = lena.get(first.location)
    assert waiting.status_code == 200 and "noch zusammengestellt" in waiting.get_data(as_text=True)
    with accounts_app.extensions["db"]() as s:
        rows = s.scalars(select(AccountsOutbox).where(AccountsOutbox.task_name.like("%.export_account"))).all()
        asked = {r.task_name: contracts.load(r.task_name, json.loads(r.payload)) for r in rows}
    assert len(rows) == 3 and set(asked) == {"rooms.export_account", "notify.export_account", "calendar.export_account"}
    assert {m["request_id"] for m in asked.values()} == {1}


def test_the_office_cannot_erase_its_own_account(client_of, people, accounts_app):
    kora = client_of("kora")
    path = f"/account/privacy/accounts/{people['kora']['id']}/erase"
    refused = post_form(kora, path, {"understood": "y"})
    assert refused.status_code == 409 and "eigene Konto" in refused.get_data(as_text=True)
    with accounts_app.extensions["db"]() as s:
        assert s.scalars(select(DataRequest)).all() == []


def test_an_unknown_account_or_export_is_not_found(client_of):
    kora = client_of("kora")
    assert kora.get("/account/privacy/accounts/999").status_code == 404
    assert kora.get("/account/privacy/exports/999").status_code == 404
