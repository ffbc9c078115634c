"""Who acts, checked again inside the change's own transaction: the page asked the permission
rule with the session's view of the account, but the office may have changed since (another
coordinator demoted this one a second ago)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.identity import audit
from shared.identity.models import Account, Partner
from shared.identity.store import Principal, usable

from services.accounts.domain.guards import Member
from services.accounts.domain.permissions import COORDINATION
from services.accounts.errors import Refused


def coordinators(s: Session) -> list[Member]:
    """Every coordination account, locked until the transaction ends (guards.py)."""
    rows = s.execute(
        select(Account, Partner.active)
        .outerjoin(Partner, Account.partner)
        .where(Account.role == COORDINATION)
        .order_by(Account.id)
        .with_for_update(of=Account)
    ).all()
    return [member(account, partner_active) for account, partner_active in rows]


def member(account: Account, partner_active: bool | None) -> Member:
    return Member(account.id, account.role, account.active, account.partner_id, partner_active is not False)


def acting(s: Session, who: Principal) -> audit.Actor:
    """The actor for the audit log, refused unless still an office account that can log in."""
    still = s.scalar(
        select(Account.id)
        .outerjoin(Partner, Account.partner)
        .where(Account.id == who.account_id, Account.role == COORDINATION, usable())
    )
    if still is None:
        raise Refused("not_allowed")
    return audit.Actor(who.account_id, who.display_name)
