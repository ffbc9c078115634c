""" "Passwort vergessen": a link to set a new password, mailed to the account's own address.

The page answers the same whether or not the name or address exists (recovery must not tell
strangers who has an account); the throttle in front of it counts every request."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from shared.clock import utcnow
from shared.db import SessionFactory, transaction
from shared.identity import links
from shared.identity.models import Account

from services.accounts import mail
from services.accounts.domain.links import RESET, VALID_FOR


def request_reset(factory: SessionFactory, name_or_email: str, public_url: str) -> int:
    """Queue a reset mail to each active account with this user name or address (one address
    may serve two accounts); returns how many (for tests and logs, never for the page)."""
    wanted = name_or_email.strip()
    now = utcnow()
    with transaction(factory) as s:
        accounts = s.scalars(
            select(Account).where(
                Account.active,
                Account.email != "",
                or_(Account.username == wanted, func.lower(Account.email) == wanted.lower()),
            )
        ).all()
        for account in accounts:
            token, expires_at = links.issue(s, account.id, RESET, VALID_FOR[RESET], now)
            mail.queue(s, account, RESET, mail.link_for(public_url, RESET, token), expires_at)
        return len(accounts)
