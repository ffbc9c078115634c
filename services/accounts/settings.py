"""The account pages' own settings (like services/notify/settings.py): from the environment,
kept in `app.config["ACCOUNT_SETTINGS"]`; tests replace them with `dataclasses.replace`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from shared import config

from services.accounts.domain.permissions import Policy


@dataclass(frozen=True)
class AccountSettings:
    staff_may_invite: bool = field(
        default=True,
        metadata=config.variable(
            "ACCOUNTS_STAFF_MAY_INVITE",
            "Partner staff may invite colleagues of their own partner (the coordination office always may).",
        ),
    )

    @classmethod
    def from_env(cls, **overrides: Any) -> AccountSettings:
        return config.from_env(cls, **overrides)

    def to_env(self) -> dict[str, str]:
        return config.to_env(self)

    @property
    def policy(self) -> Policy:
        return Policy(staff_may_invite=self.staff_may_invite)


def of(app: Flask) -> AccountSettings:
    settings: AccountSettings = app.config["ACCOUNT_SETTINGS"]
    return settings


def current() -> AccountSettings:
    return of(current_app)
