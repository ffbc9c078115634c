"""The erweitertes Führungszeugnis: the partner sees the document and the exchange records only
that it was seen, on which day, by whom. Never the document, its number or its content (§ 72a
SGB VIII allows exactly this note). It must be seen again after a number of years (five by
default, as many youth offices ask), and a placement that needs one needs a valid note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from shared.text import text_problem

DEFAULT_VALIDITY_YEARS = 5
RENEW_SOON = timedelta(days=90)  # the partner is reminded this long before
SEEN_BY_MAX = 100
VALID, RENEW_SOON_STATUS, EXPIRED, MISSING = "valid", "renew_soon", "expired", "missing"


@dataclass(frozen=True)
class CertificateSeen:
    """The only record kept: seen on <day> by <name> (of the partner's staff)."""

    volunteer_id: int
    seen_on: date
    seen_by: str


def record_problems(
    seen_on: date, seen_by: str, today: date, validity_years: int = DEFAULT_VALIDITY_YEARS
) -> dict[str, str]:
    found: dict[str, str] = {}
    if seen_on > today:
        found["seen_on"] = "in_future"
    elif valid_until(seen_on, validity_years) <= today:
        found["seen_on"] = "too_old"  # recording it would only say "expired"
    cleaned = seen_by.strip()
    if not cleaned:
        found["seen_by"] = "missing"
    elif problem := text_problem(cleaned, SEEN_BY_MAX):
        found["seen_by"] = problem
    return found


def valid_until(seen_on: date, validity_years: int = DEFAULT_VALIDITY_YEARS) -> date:
    """The first day the note no longer counts: the same day `validity_years` later (29 February
    becomes 1 March)."""
    try:
        return seen_on.replace(year=seen_on.year + validity_years)
    except ValueError:
        return date(seen_on.year + validity_years, 3, 1)


def status(record: CertificateSeen | None, today: date, validity_years: int = DEFAULT_VALIDITY_YEARS) -> str:
    if record is None:
        return MISSING
    until = valid_until(record.seen_on, validity_years)
    if today >= until:
        return EXPIRED
    return RENEW_SOON_STATUS if today >= until - RENEW_SOON else VALID


def placement_problem(
    certificate_needed: bool, record: CertificateSeen | None, day: date, validity_years: int = DEFAULT_VALIDITY_YEARS
) -> str | None:
    """Why the volunteer may not be placed on `day` (a shift's day, or today for a role), or None."""
    if not certificate_needed:
        return None
    found = status(record, day, validity_years)
    if found == MISSING:
        return "certificate_missing"
    return "certificate_expired" if found == EXPIRED else None
