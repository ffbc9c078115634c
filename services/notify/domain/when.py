"""Dates and times as people in Jena read them (shared/local_times.py), for notify's dates."""

from __future__ import annotations

from shared.local_times import moment, span as local_span

from services.notify.domain.notice import Occurrence

__all__ = ["moment", "span"]


def span(occurrence: Occurrence, language: str, dash: str = "–", uhr: bool = True) -> str:
    """'Mi. 13.01.2027, 14:00–16:00 Uhr' or, across midnight, both days in full. `uhr=False`
    leaves out the " Uhr" (the first half of "… → …", which the second half ends)."""
    return local_span(occurrence.starts_at, occurrence.ends_at, language, dash, uhr)
