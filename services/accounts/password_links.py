"""Following a link from an invitation or a reset mail: see what state it is in, and set the
password with it, once. Setting it ends every web session of the account (whoever knew the old
password, or found a computer still logged in); the page then starts a fresh one."""

from __future__ import annotations

from dataclasses import dataclass

from shared.clock import utcnow
from shared.db import SessionFactory, as_utc, transaction
from shared.identity import audit, links
from shared.identity.store import replace_password

from services.accounts.domain.links import INVITE, OPEN, USED, state
from services.accounts.errors import Refused


@dataclass(frozen=True)
class LinkView:
    """What the page shows above the password form; `state` OPEN or why not."""

    state: str
    username: str = ""
    display_name: str = ""


UNKNOWN = LinkView("unknown")  # never issued, or replaced by a newer mail


def look(factory: SessionFactory, token: str, purpose: str) -> LinkView:
    with factory() as s:
        found = links.look_up(s, token, purpose)
        if found is None:
            return UNKNOWN
        link, account = found
        now = utcnow()
        return LinkView(
            state(as_utc(link.expires_at), link.used_at, account.active, now), account.username, account.display_name
        )


def set_password(factory: SessionFactory, token: str, purpose: str, password: str) -> int:
    """The new password (already checked by the domain); returns the account's id. Refused with
    the link's state when it cannot be used (any more)."""
    now = utcnow()
    with transaction(factory) as s:
        found = links.look_up(s, token, purpose)
        if found is None:
            raise Refused(UNKNOWN.state)
        link, account = found
        current = state(as_utc(link.expires_at), link.used_at, account.active, now)
        if current != OPEN:
            raise Refused(current)
        if not links.redeem(s, link, now):  # another request used it a moment ago
            raise Refused(USED)
        replace_password(s, account, password)
        action = audit.PASSWORD_CHOSEN if purpose == INVITE else audit.PASSWORD_RESET
        audit.record(s, audit.by_itself(account), action, account=account)
        return account.id
