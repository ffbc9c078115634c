"""What a use case needs from the world besides the database session: plain values and
callables, so the use cases stay free of Flask and tests can pass their own
(request_context.ctx builds it for a request)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.clock import utcnow
from shared.identity.store import Principal


@dataclass
class Ctx:
    public_url: str
    partner_name_of: Callable[[int], str]
    secret: str = ""
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Berlin"))
    principal_of: Callable[[int], Principal | None] = lambda _id: None
    staff_of: Callable[[int], list[Principal]] = lambda _pid: []
    now: datetime = field(default_factory=utcnow)
    # partners the coordination office deactivated (identity's Partner.active): their rooms are
    # neither bookable nor offered as free
    inactive_partners: frozenset[int] = frozenset()
    # the rooms' calendar addresses are raum-<id>@<this> (settings.room_mail_domain)
    room_mail_domain: str = "treffpunkt-jena.de"

    def url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path
