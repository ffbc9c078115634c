"""A person's own account: how to reach them and in which language. (The password is changed
through the identity store, which ends every web session with it; the page starts a new one.)"""

from __future__ import annotations

from shared.db import SessionFactory, transaction
from shared.identity.models import Account

from services.accounts.errors import Refused
from services.accounts.invitation import email_taken


def change_contact(factory: SessionFactory, account_id: int, email: str, phone: str, language: str) -> None:
    with transaction(factory) as s:
        account = s.get(Account, account_id)
        if account is None:
            raise Refused("unknown_account")
        if email.lower() != account.email.lower() and email_taken(s, email, but=account_id):
            raise Refused("email_taken", "email")
        account.email, account.phone, account.language = email, phone, language
