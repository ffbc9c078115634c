"""Who may do what with deliveries: one rule per action, asked by every page that shows or acts
on a delivery, and tested as a matrix of roles × actions over HTTP
(tests/notify/test_permission_matrix.py).

A delivery belongs to the account it was sent to. People see their own; the coordination office
sees every partner's and is the only one who sends a failed one again (it answers for the
network's mail, and a resend goes to someone else's address). Nobody else learns that another
person's delivery exists. The settings link in an email is not a permission of this kind: the
signed token names the one account it opens."""

from __future__ import annotations

from enum import Enum
from typing import Protocol


class Who(Protocol):
    """Read-only, as shared.identity's Principal (a frozen dataclass, is_coordination a property)."""

    @property
    def account_id(self) -> int: ...

    @property
    def is_coordination(self) -> bool: ...


class Action(Enum):
    LIST = "list"  # the delivery log and the given-up list (each shows what SEE allows)
    SEE = "see"  # one delivery, its captured message and its invitation
    RESEND = "resend"  # queue a failed delivery again


def sees_everyone(who: Who | None) -> bool:
    """Lists show this reader every delivery; otherwise only the reader's own."""
    return who is not None and who.is_coordination


def allowed(action: Action, who: Who | None, owner_account_id: int | None = None) -> bool:
    """May `who` (None: not logged in) do `action`, on a delivery of `owner_account_id` where one
    is meant (None: may they do it to any delivery at all)?"""
    if who is None:
        return False
    if action is Action.LIST:
        return True
    own = owner_account_id is not None and owner_account_id == who.account_id
    if action is Action.SEE:
        return sees_everyone(who) or own or owner_account_id is None
    return who.is_coordination  # RESEND
