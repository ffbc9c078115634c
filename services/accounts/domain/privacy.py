"""An account's data protection rights (DSGVO): who may export whose data, who may erase an
account, and the rules of an erasure. One rule per action, like permissions.py.

A person exports their own data; the coordination office exports anyone's (someone asked by
letter) and is the only one who erases an account, never its own (nobody erases the office by
a slip of the mouse), and never the last open coordination account (the network would have
nobody left to run it)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from services.accounts.domain.permissions import COORDINATION, Actor

EXPORT_KEPT = timedelta(days=7)  # a finished export can be downloaded this long, then it is deleted
ERASED_NAME = "Ehemaliges Konto"  # the erased account's display name; rooms shows it for bookings
ERASED_PREFIX = "ehemalig-"


def can_export(actor: Actor | None, account_id: int) -> bool:
    """May ask for, and download, the export of `account_id`'s data."""
    return actor is not None and (actor.account_id == account_id or actor.role == COORDINATION)


def can_look_after(actor: Actor | None) -> bool:
    """May open the office's data protection pages of any account."""
    return actor is not None and actor.role == COORDINATION


def erase_refusal(
    actor: Actor | None, target_id: int, target_role: str, target_active: bool, other_open_coordinators: int
) -> str | None:
    """Why this erasure may not happen (a code for the page), or None."""
    if not can_look_after(actor):
        return "not_allowed"
    assert actor is not None
    if actor.account_id == target_id:
        return "own_account"
    if target_role == COORDINATION and target_active and other_open_coordinators == 0:
        return "last_coordinator"
    return None


def erased_username() -> str:
    """A user name that says nothing about the person and is taken by nobody (96 random bits)."""
    return ERASED_PREFIX + secrets.token_hex(12)
