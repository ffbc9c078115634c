"""The audit log of identity (models.AuditEntry): who changed what, on which account or partner
(or which term of the shared vocabulary), old → new. Written in the caller's transaction, so an
entry exists exactly when its change was committed. Passwords, tokens and links are never values here: only that they changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.identity.models import Account, AuditEntry, Partner

SECRET_FIELDS = frozenset({"password", "password_hash", "secret", "secret_hash", "token", "token_hash", "link"})


@dataclass(frozen=True)
class Actor:
    """Who did it, as the entry keeps it (the name as it was then)."""

    account_id: int | None
    name: str


def changed(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


def record(
    s: Session,
    actor: Actor,
    action: str,
    *,
    account: Account | None = None,
    partner: Partner | None = None,
    changes: dict[str, list[Any]] | None = None,
    subject: str = "",
) -> AuditEntry:
    """Add one entry; `account` or `partner` names what it is about (an account's partner too),
    `subject` anything else (a term of the vocabulary)."""
    leaked = SECRET_FIELDS & set(changes or {})
    if leaked:
        raise ValueError(f"secrets do not go into the audit log: {sorted(leaked)}")
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.account_id,
        actor_name=actor.name,
        action=action,
        account_id=account.id if account is not None else None,
        partner_id=partner.id if partner is not None else (account.partner_id if account is not None else None),
        subject=account.display_name if account is not None else (partner.name if partner is not None else subject),
        changes=json.dumps(changes or {}, ensure_ascii=False, default=str),
    )
    s.add(entry)
    return entry


def by_itself(account: Account) -> Actor:
    """The account acting on itself (its password, its address)."""
    return Actor(account.id, account.display_name)


# the `treffpunkt` command line (shared/identity/cli.py): whoever has the shell, no account
COMMAND_LINE = Actor(None, "Kommandozeile")

# what happened (the audit page words each, services/accounts/web/wording.py)
INVITED = "invited"
INVITATION_RESENT = "invitation_resent"
PASSWORD_CHOSEN = "password_chosen"  # with the invitation's link
PASSWORD_RESET = "password_reset"  # with a reset link
PASSWORD_CHANGED = "password_changed"  # on one's own account page
CONTACT_CHANGED = "contact_changed"
RESET_SENT = "reset_sent"  # by the office
ACCOUNT_CHANGED = "account_changed"  # role or partner
ACCOUNT_CREATED = "account_created"  # on the command line (the pages invite)
PASSWORD_SET = "password_set"  # on the command line, for someone who forgot theirs
APP_PASSWORD_CREATED = "app_password_created"  # on the command line (its label, never the secret)
ACCOUNT_DEACTIVATED = "account_deactivated"
ACCOUNT_REACTIVATED = "account_reactivated"
PARTNER_CREATED = "partner_created"
PARTNER_CHANGED = "partner_changed"
PARTNER_DEACTIVATED = "partner_deactivated"
PARTNER_REACTIVATED = "partner_reactivated"
TERM_ADDED = "term_added"  # the shared vocabulary (subject: the German label)
TERM_CHANGED = "term_changed"
TERM_MOVED = "term_moved"
TERM_RETIRED = "term_retired"
TERM_REACTIVATED = "term_reactivated"
DATA_EXPORT_ASKED = "data_export_asked"  # DSGVO: all of an account's data, to download
ACCOUNT_ERASED = "account_erased"  # DSGVO: the account anonymised in every service
SECOND_FACTOR_REMOVED = "second_factor_removed"  # by the office: a lost phone


def acting(s: Session, account_id: int) -> Actor:
    """The account `account_id` as the actor of an entry (its name as it is now)."""
    account = s.get(Account, account_id)
    return Actor(account_id, account.display_name if account is not None else "")


def forget_person(s: Session, account_id: int, name: str) -> None:
    """An erased account's traces in the log: its name as actor or subject becomes `name`, and
    the old and new values of what it changed (an address, a phone number) go; what happened
    and when stay."""
    s.execute(update(AuditEntry).where(AuditEntry.actor_id == account_id).values(actor_name=name))
    s.execute(update(AuditEntry).where(AuditEntry.account_id == account_id).values(subject=name, changes="{}"))
