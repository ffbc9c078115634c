"""Identity's own part of an export: the account, its partner, its running logins (with the
browser they came from), app passwords, emailed links and second factor — names, dates and
labels only, never a password hash, secret or token."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.account_data import Gathered
from shared.contracts import EXPORT_ROWS
from shared.identity.models import Account, AccountLink, AppPassword, DataRequest, SecondFactor, WebSession


def gather(s: Session, account: Account) -> Gathered:
    part = Gathered()
    partner = account.partner
    part.add(
        "account",
        [
            {
                "username": account.username,
                "name": account.display_name,
                "email": account.email,
                "phone": account.phone,
                "language": account.language,
                "role": account.role,
                "partner": partner.name if partner else "",
                "active": account.active,
                "created_at": account.created_at,
            }
        ],
    )
    mine = account.id

    def rows(model, *columns, order):
        return s.execute(select(*columns).where(model.account_id == mine).order_by(order).limit(EXPORT_ROWS + 1))

    part.add(
        "sessions",
        (
            r._mapping
            for r in rows(
                WebSession, WebSession.user_agent, WebSession.created_at, WebSession.seen_at, order=WebSession.id
            )
        ),
    )
    part.add(
        "app_passwords",
        (
            r._mapping
            for r in rows(
                AppPassword, AppPassword.label, AppPassword.created_at, AppPassword.last_used_at, order=AppPassword.id
            )
        ),
    )
    part.add(
        "links",
        (
            r._mapping
            for r in rows(
                AccountLink,
                AccountLink.purpose,
                AccountLink.created_at,
                AccountLink.expires_at,
                AccountLink.used_at,
                order=AccountLink.id,
            )
        ),
    )
    part.add(
        "second_factor",
        (
            r._mapping
            for r in rows(SecondFactor, SecondFactor.created_at, SecondFactor.enabled_at, order=SecondFactor.created_at)
        ),
    )
    part.add(
        "data_requests",
        (
            r._mapping
            for r in rows(
                DataRequest, DataRequest.kind, DataRequest.asked_at, DataRequest.done_at, order=DataRequest.id
            )
        ),
    )
    return part
