"""The email that carries a single-use link, queued in the caller's transaction: notify sends it
(notify.account_mail) once the link and its account are committed, never before, never lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shared import outbox
from shared.identity.models import Account, AccountsOutbox

PATHS = {"invite": "/account/welcome/", "reset": "/account/reset/"}  # shared/signed_links.PREFIXES


def link_for(public_url: str, purpose: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{PATHS[purpose]}{token}"


def queue(
    s: Session,
    account: Account,
    purpose: str,
    link: str,
    expires_at: datetime,
    invited_by: str = "",
    partner_name: str = "",
) -> str:
    """Returns the message id."""
    return outbox.add(
        s,
        AccountsOutbox,
        "notify.account_mail",
        account_id=account.id,
        email=account.email,
        name=account.display_name,
        username=account.username,
        language=account.language,
        purpose=purpose,
        link=link,
        expires_at=expires_at,
        invited_by=invited_by,
        partner_name=partner_name,
    )
