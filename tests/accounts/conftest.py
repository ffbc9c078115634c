"""Helpers for the account pages' tests: forms with their CSRF token, and the mails the pages
queued (the outbox rows in the identity database, as notify will receive them)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from shared.identity.models import AccountsOutbox

CSRF = re.compile(r'name="(?:[a-z]+-)?csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, path
    return match.group(1) or match.group(2)


def post_form(client, path: str, data: dict, page: str | None = None):
    """Post `data` with the CSRF token of the form on `page` (default: `path`)."""
    token = csrf(client, page or path)
    fields = dict(data)
    prefix = next((k.split("-")[0] + "-" for k in data if "-" in k), "")
    fields[f"{prefix}csrf_token"] = token
    return client.post(path, data=fields)


@pytest.fixture
def mails(accounts_app):
    """The notify.account_mail messages queued so far, oldest first."""

    def load() -> list[dict]:
        with accounts_app.extensions["db"]() as s:
            rows = s.scalars(
                select(AccountsOutbox)
                .where(AccountsOutbox.task_name == "notify.account_mail")
                .order_by(AccountsOutbox.id)
            )
            return [json.loads(r.payload) for r in rows]

    return load


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def errors_at(response, field_id: str) -> str:
    """The error shown next to the field `field_id` ("" for none)."""
    match = re.search(rf'<span class="error" id="{field_id}-error">([^<]*)</span>', response.get_data(as_text=True))
    return match.group(1) if match else ""
