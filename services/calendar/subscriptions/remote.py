"""What a pull needs to know (PullSettings) and what a fetch brought (Remote), shared by the
ICS and CalDAV ways of fetching."""

from __future__ import annotations

from dataclasses import dataclass

from services.calendar.domain.feed_import import MAX_BYTES, ImportedFeed
from services.calendar.subscriptions import fetch
from services.calendar.subscriptions.sealing import Sealer


@dataclass(frozen=True)
class PullSettings:
    allow_private: bool
    sealer: Sealer
    max_bytes: int = MAX_BYTES
    total_seconds: float = fetch.TOTAL_SECONDS


@dataclass(frozen=True)
class Remote:
    """What a fetch brought: nothing new, or objects (all of them, or CalDAV's changes only)."""

    feed: ImportedFeed | None  # None: not modified
    complete: bool = True  # False: a CalDAV delta (what is absent was not removed)
    removed_hrefs: frozenset[str] = frozenset()
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""  # of a feed's bytes (ICS only)
    sync_token: str = ""
