"""The office looks after every account: sees who is there and who has never set up their
account, changes role and partner, closes and reopens accounts, sends a reset link or a new
invitation. Each change writes its audit entry in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.db import SessionFactory, as_utc, transaction
from shared.identity import audit, links
from shared.identity.models import Account, AccountLink, Partner, RecoveryCode, SecondFactor
from shared.identity.store import Principal, close_account, end_web_sessions

from services.accounts import invitation, mail
from services.accounts.admin.office import acting, coordinators, member
from services.accounts.domain.guards import Member, account_changed, leaves_no_coordinator
from services.accounts.domain.links import INVITE, RESET, VALID_FOR
from services.accounts.domain.permissions import STAFF
from services.accounts.errors import Refused

# where an account stands, as the list shows it
ACTIVE, DEACTIVATED, INVITED, INVITATION_EXPIRED = "active", "deactivated", "invited", "invitation_expired"


@dataclass(frozen=True)
class AccountRow:
    id: int
    display_name: str
    username: str
    email: str
    role: str
    partner_id: int | None
    partner_name: str
    partner_active: bool
    active: bool
    last_login_at: datetime | None
    state: str  # ACTIVE, DEACTIVATED, INVITED, INVITATION_EXPIRED
    second_factor: bool = False  # an authenticator app is switched on

    @property
    def set_up(self) -> bool:
        return self.state not in (INVITED, INVITATION_EXPIRED)


def _state(account: Account, invite_until: datetime | None, now: datetime) -> str:
    if not account.active:
        return DEACTIVATED
    if account.password_hash:
        return ACTIVE
    return INVITED if invite_until is not None and as_utc(invite_until) > now else INVITATION_EXPIRED


def _rows(s: Session, *conditions: object) -> list[AccountRow]:
    open_invite = (
        select(AccountLink.account_id, func.max(AccountLink.expires_at).label("until"))
        .where(AccountLink.purpose == INVITE, AccountLink.used_at.is_(None))
        .group_by(AccountLink.account_id)
        .subquery()
    )
    app_on = select(SecondFactor.account_id).where(SecondFactor.enabled_at.is_not(None)).subquery()
    query = (
        select(Account, Partner, open_invite.c.until, app_on.c.account_id)
        .outerjoin(Partner, Account.partner)
        .outerjoin(open_invite, open_invite.c.account_id == Account.id)
        .outerjoin(app_on, app_on.c.account_id == Account.id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(func.lower(Account.display_name), Account.id)
    )
    now = utcnow()
    return [
        AccountRow(
            id=a.id,
            display_name=a.display_name,
            username=a.username,
            email=a.email,
            role=a.role,
            partner_id=a.partner_id,
            partner_name=p.name if p else "",
            partner_active=p.active if p else True,
            active=a.active,
            last_login_at=as_utc(a.last_login_at),
            state=_state(a, until, now),
            second_factor=app is not None,
        )
        for a, p, until, app in s.execute(query)
    ]


def list_accounts(factory: SessionFactory, partner_id: int | None = None) -> list[AccountRow]:
    """Every account by name, or those of one partner."""
    with factory() as s:
        return _rows(s, *([Account.partner_id == partner_id] if partner_id is not None else []))


def one(factory: SessionFactory, account_id: int) -> AccountRow | None:
    with factory() as s:
        found = _rows(s, Account.id == account_id)
        return found[0] if found else None


def _target(s: Session, account_id: int) -> Account:
    account = s.get(Account, account_id)
    if account is None:
        raise Refused("unknown_account")
    return account


def change(factory: SessionFactory, who: Principal, account_id: int, role: str, partner_id: int | None) -> bool:
    """A new role and partner; False when nothing changed. Staff need a partner; the office
    never ends up without a coordinator who can log in."""
    with transaction(factory) as s:
        actor = acting(s, who)
        before = coordinators(s)
        account = _target(s, account_id)
        partner = s.get(Partner, partner_id) if partner_id is not None else None
        if partner_id is not None and partner is None:
            raise Refused("unknown_partner", "partner")
        if role == STAFF and partner is None:
            raise Refused("staff_need_partner", "partner")
        if role != account.role and account_id == who.account_id:
            raise Refused("own_role", "role")
        if partner is not None and not partner.active and partner_id != account.partner_id:
            raise Refused("partner_inactive", "partner")
        old = {"role": account.role, "partner": _partner_name(account.partner)}
        after = Member(account.id, role, account.active, partner_id, partner.active if partner else True)
        if leaves_no_coordinator(before, account_changed(before, after)):
            raise Refused("last_coordinator", "role")
        account.role, account.partner_id = role, partner_id
        changes = audit.changed(old, {"role": role, "partner": _partner_name(partner)})
        if not changes:
            return False
        audit.record(s, actor, audit.ACCOUNT_CHANGED, account=account, changes=changes)
        return True


def _partner_name(partner: Partner | None) -> str:
    return partner.name if partner is not None else ""


def set_active(factory: SessionFactory, who: Principal, account_id: int, active: bool) -> None:
    """Close an account (its web logins end, its app passwords stop at once) or reopen it."""
    if account_id == who.account_id:
        raise Refused("own_account")
    with transaction(factory) as s:
        actor = acting(s, who)
        before = coordinators(s)
        account = _target(s, account_id)
        if account.active == active:
            return  # a second click, or another coordinator was quicker
        closed = replace(member(account, account.partner.active if account.partner else None), active=active)
        if leaves_no_coordinator(before, account_changed(before, closed)):
            raise Refused("last_coordinator")
        close_account(s, account, active)
        action = audit.ACCOUNT_REACTIVATED if active else audit.ACCOUNT_DEACTIVATED
        audit.record(s, actor, action, account=account, changes={"active": [not active, active]})


def remove_second_factor(factory: SessionFactory, who: Principal, account_id: int) -> None:
    """The account's authenticator app and recovery codes gone, and its web logins ended (the
    lost phone may hold one); its password alone logs in again, until it sets up a new app."""
    if account_id == who.account_id:
        raise Refused("own_account")
    with transaction(factory) as s:
        actor = acting(s, who)
        account = _target(s, account_id)
        if s.scalar(select(SecondFactor.account_id).where(SecondFactor.account_id == account_id)) is None:
            raise Refused("no_second_factor")
        for model in (SecondFactor, RecoveryCode):
            s.execute(delete(model).where(model.account_id == account_id))
        end_web_sessions(s, account_id)
        audit.record(s, actor, audit.SECOND_FACTOR_REMOVED, account=account)


def _mailable(account: Account) -> None:
    if not account.active:
        raise Refused("account_closed")
    if not account.email:
        raise Refused("no_email")


def send_reset(factory: SessionFactory, who: Principal, account_id: int, public_url: str) -> str:
    """A link to set a new password, to the account's own address (never shown to the office);
    returns that address for the page."""
    now = utcnow()
    with transaction(factory) as s:
        actor = acting(s, who)
        account = _target(s, account_id)
        _mailable(account)
        if not account.password_hash:
            raise Refused("not_set_up")
        token, expires_at = links.issue(s, account.id, RESET, VALID_FOR[RESET], now)
        mail.queue(s, account, RESET, mail.link_for(public_url, RESET, token), expires_at)
        audit.record(s, actor, audit.RESET_SENT, account=account)
        return account.email


def resend_invitation(factory: SessionFactory, who: Principal, account_id: int, public_url: str) -> str:
    """A new invitation link (the old one stops working) to someone who has not chosen a
    password yet; returns the address."""
    now = utcnow()
    with transaction(factory) as s:
        actor = acting(s, who)
        account = _target(s, account_id)
        _mailable(account)
        if account.password_hash:
            raise Refused("already_set_up")
        invitation.send_link(s, account, who.display_name, public_url, now)
        audit.record(s, actor, audit.INVITATION_RESENT, account=account)
        return account.email
