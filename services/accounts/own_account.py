"""A person's own account: how to reach them, in which language, and a new password (which ends
every web session; the page starts a new one). Each change goes into the audit log with it."""

from __future__ import annotations

from shared.db import SessionFactory, transaction
from shared.identity import audit
from shared.identity.models import Account
from shared.identity.store import replace_password

from services.accounts.errors import Refused
from services.accounts.invitation import email_taken


def change_contact(factory: SessionFactory, account_id: int, email: str, phone: str, language: str) -> None:
    with transaction(factory) as s:
        account = s.get(Account, account_id)
        if account is None:
            raise Refused("unknown_account")
        if email.lower() != account.email.lower() and email_taken(s, email, but=account_id):
            raise Refused("email_taken", "email")
        changes = audit.changed({"email": account.email, "phone": account.phone}, {"email": email, "phone": phone})
        account.email, account.phone, account.language = email, phone, language
        if changes:
            audit.record(s, audit.by_itself(account), audit.CONTACT_CHANGED, account=account, changes=changes)


def change_password(factory: SessionFactory, account_id: int, password: str) -> None:
    """A new password chosen on one's own page (the old one was checked): every web session ends."""
    with transaction(factory) as s:
        account = s.get(Account, account_id)
        if account is None:
            raise Refused("unknown_account")
        replace_password(s, account, password)
        audit.record(s, audit.by_itself(account), audit.PASSWORD_CHANGED, account=account)
