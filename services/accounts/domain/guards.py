"""The office must never lock itself out: after any change at least one coordination account
can still log in (active, and its partner active, if it has one), when one could before.

The use case reads the coordinators under a row lock, so two coordinators demoting each other at
the same moment cannot both succeed (the second sees the first's change, and is refused)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from services.accounts.domain.permissions import COORDINATION


@dataclass(frozen=True)
class Member:
    """An account as the guard sees it."""

    account_id: int
    role: str
    active: bool
    partner_id: int | None
    partner_active: bool = True  # True without a partner

    @property
    def governs(self) -> bool:
        return self.role == COORDINATION and self.active and self.partner_active


def leaves_no_coordinator(before: Iterable[Member], after: Iterable[Member]) -> bool:
    """True when someone could run the network before the change and nobody could after it."""
    return any(m.governs for m in before) and not any(m.governs for m in after)


def account_changed(members: list[Member], changed: Member) -> list[Member]:
    """The members after one account's role, activity or partner changed (`changed` as it will be)."""
    return [m for m in members if m.account_id != changed.account_id] + [changed]


def partner_changed(members: list[Member], partner_id: int, active: bool) -> list[Member]:
    """The members after a partner was deactivated or reactivated."""
    return [replace(m, partner_active=active) if m.partner_id == partner_id else m for m in members]
