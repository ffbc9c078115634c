"""The Engagementbörse's own settings (like services/notify/settings.py): from the environment,
kept in `app.config["ENGAGEMENT_SETTINGS"]`; tests replace them with `dataclasses.replace`. The
periods of volunteers' data are in shared.config.Settings (ENGAGEMENT_CONFIRM_DAYS,
ENGAGEMENT_KEEP_MONTHS, ENGAGEMENT_KEEP_CLOSED_MONTHS): the privacy statement names them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from shared import config


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
    remind_hours: int = field(
        default=24,
        metadata=config.variable(
            "ENGAGEMENT_REMIND_HOURS", "How long before a shift or a first meeting the volunteer is reminded."
        ),
    )

    @classmethod
    def from_env(cls, **overrides: Any) -> EngagementSettings:
        return config.from_env(cls, **overrides)

    def to_env(self) -> dict[str, str]:
        return config.to_env(self)


def of(app: Flask) -> EngagementSettings:
    settings: EngagementSettings = app.config["ENGAGEMENT_SETTINGS"]
    return settings


def current() -> EngagementSettings:
    return of(current_app)
