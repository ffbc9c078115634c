"""What a use case needs besides its session: the moment, the app's secret (signed links), the
public address (links in emails), the partners' names and the service's settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.engagement.settings import EngagementSettings


@dataclass(frozen=True)
class Ctx:
    now: datetime
    secret: str
    public_url: str
    settings: EngagementSettings
    partner_name_of: Callable[[int], str]

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path
