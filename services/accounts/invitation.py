"""Inviting a colleague: the account is created without a password, with a link (valid 72 h)
in an email that notify sends; the colleague chooses a password there (password_links.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.db import SessionFactory, transaction
from shared.identity import audit, links
from shared.identity.models import Account, Partner
from shared.identity.store import Principal, add_account

from services.accounts import mail
from services.accounts.domain import usernames
from services.accounts.domain.links import INVITE, VALID_FOR
from services.accounts.domain.permissions import Actor, Policy, can_invite
from services.accounts.errors import Refused


@dataclass(frozen=True)
class Invitation:
    name: str
    email: str
    role: str
    partner_id: int | None
    language: str = "de"
    username: str = ""  # "": made from the email address


def actor_of(who: Principal | None) -> Actor | None:
    return Actor(who.account_id, who.role, who.partner_id) if who else None


def email_taken(s: Session, email: str, but: int | None = None) -> bool:
    """Addresses are compared without case: Lena@… and lena@… reach the same person."""
    query = select(Account.id).where(func.lower(Account.email) == email.lower())
    if but is not None:
        query = query.where(Account.id != but)
    return s.scalar(query.limit(1)) is not None


def _username_taken(s: Session, name: str) -> bool:
    return s.scalar(select(Account.id).where(Account.username == name)) is not None


def invite(
    factory: SessionFactory, inviter: Principal, invitation: Invitation, policy: Policy, public_url: str
) -> tuple[int, str]:
    """Create the account and queue its mail in one commit; returns (account id, user name)."""
    if not can_invite(actor_of(inviter), invitation.role, invitation.partner_id, policy):
        raise Refused("not_allowed", "partner")
    now = utcnow()
    with transaction(factory) as s:
        partner = s.get(Partner, invitation.partner_id) if invitation.partner_id is not None else None
        if invitation.partner_id is not None and partner is None:
            raise Refused("unknown_partner", "partner")
        if partner is not None and not partner.active:
            raise Refused("partner_inactive", "partner")
        if email_taken(s, invitation.email):
            raise Refused("email_taken", "email")
        if invitation.username and _username_taken(s, invitation.username):
            raise Refused("username_taken", "username")
        username = invitation.username or usernames.from_email(invitation.email, lambda n: _username_taken(s, n))
        account = add_account(
            s,
            username,
            invitation.name,
            partner_id=invitation.partner_id,
            role=invitation.role,
            email=invitation.email,
            language=invitation.language,
        )
        send_link(s, account, inviter.display_name, public_url, now)
        changes = {"role": [None, account.role], "partner": [None, partner.name if partner else ""]}
        audit.record(
            s, audit.Actor(inviter.account_id, inviter.display_name), audit.INVITED, account=account, changes=changes
        )
        return account.id, username


def send_link(s: Session, account: Account, invited_by: str, public_url: str, now: datetime) -> None:
    """A new invitation link (an earlier one stops working) and the mail that carries it."""
    token, expires_at = links.issue(s, account.id, INVITE, VALID_FOR[INVITE], now)
    partner = account.partner
    mail.queue(
        s,
        account,
        INVITE,
        mail.link_for(public_url, INVITE, token),
        expires_at,
        invited_by=invited_by,
        partner_name=partner.name if partner else "",
    )


def partners_for(factory: SessionFactory, inviter: Principal) -> list[tuple[int, str]]:
    """The partners the inviter may choose from: all active ones for the office, their own for staff."""
    with factory() as s:
        query = select(Partner.id, Partner.name).where(Partner.active).order_by(Partner.name)
        if inviter.role != "coordination":
            query = query.where(Partner.id == inviter.partner_id)
        return [(row.id, row.name) for row in s.execute(query)]
