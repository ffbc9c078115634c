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

    second_factor_key: str = field(
        default="",
        metadata=config.variable(
            "SECOND_FACTOR_KEY",
            "Seals the secrets of the authenticator apps (second factor) in the identity database: one or more "
            "Fernet keys, comma-separated, the first seals and all open (to change keys, put the new one first). "
            "Empty: a key derived from SECRET_KEY, so a new SECRET_KEY then makes everyone's app unusable "
            "(recovery codes still work). Make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`.",
        ),
    )

    export_wait_seconds: int = field(
        default=900,
        metadata=config.variable(
            "ACCOUNTS_EXPORT_WAIT_SECONDS",
            "How long a data export (DSGVO) waits for the parts of rooms, notify and calendar; after that it is "
            "ready without the missing ones, and says which they are.",
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
