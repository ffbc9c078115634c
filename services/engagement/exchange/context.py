"""What a use case needs besides its session: the moment, the app's secret (signed links), the
public address (links in emails), the partners' names, the service's settings and the periods
of volunteers' data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.engagement.domain.retention import Policy
from services.engagement.settings import EngagementSettings


@dataclass(frozen=True)
class Ctx:
    now: datetime
    secret: str
    public_url: str
    settings: EngagementSettings
    partner_name_of: Callable[[int], str]
    confirm_within: timedelta  # ENGAGEMENT_CONFIRM_DAYS
    retention: Policy  # ENGAGEMENT_KEEP_MONTHS, ENGAGEMENT_KEEP_CLOSED_MONTHS

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path
