"""Single-use links sent by email (models.AccountLink): the token goes into the link, only its
SHA-256 into the table, so a copy of the database opens no account. Each function works in the
caller's transaction: a link is issued in the same commit as the mail that carries it."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shared.db import as_utc
from shared.identity.models import LINK_PURPOSES, Account, AccountLink
from shared.identity.store import digest

TOKEN_BYTES = 32
TOKEN_CHARS = 43  # token_urlsafe(32); longer input is no token of ours


def issue(s: Session, account_id: int, purpose: str, valid_for: timedelta, now: datetime) -> tuple[str, datetime]:
    """A new link for the account; returns (token, expires_at). Earlier unused links of the same
    purpose stop working: only the newest mail counts."""
    if purpose not in LINK_PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    s.execute(
        delete(AccountLink).where(
            AccountLink.account_id == account_id, AccountLink.purpose == purpose, AccountLink.used_at.is_(None)
        )
    )
    token, expires_at = secrets.token_urlsafe(TOKEN_BYTES), now + valid_for
    s.add(
        AccountLink(
            token_hash=digest(token), account_id=account_id, purpose=purpose, created_at=now, expires_at=expires_at
        )
    )
    return token, expires_at


def look_up(s: Session, token: str, purpose: str) -> tuple[AccountLink, Account] | None:
    """The link and its account, used or expired or not (the page says which); None for a
    token that was never issued (or was replaced by a newer one)."""
    if len(token) > TOKEN_CHARS:
        return None
    row = s.execute(
        select(AccountLink, Account)
        .join(Account)
        .where(AccountLink.token_hash == digest(token), AccountLink.purpose == purpose)
    ).first()
    return (row[0], row[1]) if row else None


def redeem(s: Session, link: AccountLink, now: datetime) -> bool:
    """Mark the link used, once: of two requests with the same link only one gets True (a
    conditional UPDATE, not a read followed by a write)."""
    if as_utc(link.expires_at) <= now:
        return False
    result = s.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=now)
        .returning(AccountLink.id)
    )
    return result.first() is not None
