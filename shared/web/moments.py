"""A stored moment on a page (the `local` template filter): in the local time zone, written for
the reader's language — 03.12.2025 15:00 in German; in English the month in words, so nobody
reads 03.12 as the 12th of March."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime, get_locale

from shared.db import as_utc

MOMENT_PATTERNS = {"de": "dd.MM.yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}


def local_moment(moment: datetime | None) -> str:
    """A stored moment in the local time zone, written for the reader's language ('' for None)."""
    utc = as_utc(moment)
    if utc is None:
        return ""
    local = utc.astimezone(ZoneInfo(current_app.config["SETTINGS"].timezone))
    locale = get_locale()
    language = locale.language if locale else "de"
    return str(
        format_datetime(local.replace(tzinfo=None), MOMENT_PATTERNS.get(language, MOMENT_PATTERNS["de"]), rebase=False)
    )
