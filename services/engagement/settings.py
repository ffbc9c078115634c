"""The Engagementbörse's own settings (like services/notify/settings.py): from the environment,
kept in `app.config["ENGAGEMENT_SETTINGS"]`; tests replace them with `dataclasses.replace`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask, current_app

from shared import config

from services.engagement.domain.retention import Policy


@dataclass(frozen=True)
class EngagementSettings:
    review: bool = field(
        default=True,
        metadata=config.variable(
            "ENGAGEMENT_REVIEW",
            "Partners' new opportunities go public only after the coordination office has looked at them "
            "(`0`: partners publish directly).",
        ),
    )
    confirm_days: int = field(
        default=7,
        metadata=config.variable(
            "ENGAGEMENT_CONFIRM_DAYS",
            "How long the link that confirms an offer of help works; unconfirmed offers are deleted after it.",
        ),
    )
    remind_hours: int = field(
        default=24,
        metadata=config.variable(
            "ENGAGEMENT_REMIND_HOURS", "How long before a shift or a first meeting the volunteer is reminded."
        ),
    )

    keep_months: int = field(
        default=24,
        metadata=config.variable(
            "ENGAGEMENT_KEEP_MONTHS",
            "Volunteers' data is deleted this many months after their last shift or accepted help ended "
            "(while anything is still open it is kept).",
        ),
    )
    keep_closed_months: int = field(
        default=6,
        metadata=config.variable(
            "ENGAGEMENT_KEEP_CLOSED_MONTHS",
            "… and this many months after an offer was declined or withdrawn, when nothing else followed.",
        ),
    )

    @classmethod
    def from_env(cls, **overrides: Any) -> EngagementSettings:
        return config.from_env(cls, **overrides)

    def to_env(self) -> dict[str, str]:
        return config.to_env(self)

    @property
    def retention(self) -> Policy:
        return Policy(
            months_after_last_commitment=self.keep_months, months_after_application_closed=self.keep_closed_months
        )

    @property
    def confirm_within(self) -> timedelta:
        return timedelta(days=self.confirm_days)


def of(app: Flask) -> EngagementSettings:
    settings: EngagementSettings = app.config["ENGAGEMENT_SETTINGS"]
    return settings


def current() -> EngagementSettings:
    return of(current_app)
