"""Who may do what with accounts: one rule per action, asked by every page that offers or does
it, and tested as a matrix of roles × actions (tests/accounts/test_permissions.py).

The coordination office answers for the whole network: it invites anyone to any partner and
looks after every account. A partner's staff may invite colleagues of their own partner, as
staff, where the network allows it (ACCOUNTS_STAFF_MAY_INVITE); they never make a coordinator.
Everyone looks after their own account (the /account/ page), which needs no rule here.

The administration (/account/admin/) is the office's alone: accounts, partners, the audit log.
Nobody changes their own role or closes their own account there: another coordinator must (and
guards.py keeps at least one coordinator who can log in)."""

from __future__ import annotations

from dataclasses import dataclass

COORDINATION, STAFF = "coordination", "staff"


@dataclass(frozen=True)
class Actor:
    """Who asks, as plain values (shared.identity's Principal has these fields)."""

    account_id: int
    role: str
    partner_id: int | None


@dataclass(frozen=True)
class Policy:
    staff_may_invite: bool = True


def can_open_invitations(actor: Actor | None, policy: Policy) -> bool:
    """May see the invitation form at all."""
    if actor is None:
        return False
    return actor.role == COORDINATION or (actor.role == STAFF and policy.staff_may_invite)


def can_invite(actor: Actor | None, role: str, partner_id: int | None, policy: Policy) -> bool:
    """May invite someone with `role` to `partner_id` (None: no partner)."""
    if actor is None:
        return False
    if actor.role == COORDINATION:
        return role in (COORDINATION, STAFF)
    return (
        actor.role == STAFF
        and policy.staff_may_invite
        and role == STAFF
        and partner_id is not None
        and partner_id == actor.partner_id
    )


def can_list_accounts(actor: Actor | None) -> bool:
    """The office's list of every account."""
    return actor is not None and actor.role == COORDINATION


def can_change_active(actor: Actor | None, target_account_id: int) -> bool:
    """Close an account (someone left) or open it again; never one's own (nobody locks the
    office out of itself by a slip of the mouse)."""
    return actor is not None and actor.role == COORDINATION and actor.account_id != target_account_id


def can_send_reset(actor: Actor | None) -> bool:
    """Send someone a link to set a new password (they asked by phone)."""
    return _office(actor)


def _office(actor: Actor | None) -> bool:
    return actor is not None and actor.role == COORDINATION


def can_administer(actor: Actor | None) -> bool:
    """See the administration's pages at all (its menu entry, its start page)."""
    return _office(actor)


def can_change_role(actor: Actor | None, target_account_id: int) -> bool:
    """Make someone a coordinator or partner staff; never oneself (no slip demotes the office)."""
    return _office(actor) and actor is not None and actor.account_id != target_account_id


def can_change_partner(actor: Actor | None) -> bool:
    """Move an account to another partner (someone changed employer), one's own too."""
    return _office(actor)


def can_resend_invitation(actor: Actor | None) -> bool:
    """Send a new invitation link to someone who has not set a password yet."""
    return _office(actor)


def can_remove_second_factor(actor: Actor | None, target_account_id: int) -> bool:
    """Take someone's authenticator app off their account (a lost phone and no recovery codes
    left), so that their password alone logs in until they set up a new one; one's own only on
    one's own page, with a code."""
    return _office(actor) and actor is not None and actor.account_id != target_account_id


def can_manage_partners(actor: Actor | None) -> bool:
    """Create and edit partners, deactivate and reactivate them."""
    return _office(actor)


def can_read_audit(actor: Actor | None) -> bool:
    """The audit log of every change to accounts and partners."""
    return _office(actor)


def can_manage_vocabulary(actor: Actor | None) -> bool:
    """The shared vocabulary: add terms, change labels and order, retire and bring back."""
    return _office(actor)
