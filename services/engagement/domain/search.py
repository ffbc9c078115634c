"""The public search over published opportunities: plain filters, a predictable order, and for
each hit the reasons it matches (the page shows "passt: Lobeda, nachmittags" from them).

Within one facet any chosen value will do (Lobeda or Winzerla); across facets all must hold
(Lobeda and afternoons). A flexible opportunity fits every weekday and time of day asked for,
with the reason ("when", "flexible"). No ranking by guesswork: newest publication first, then
title, then id, so the same query gives the same list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.engagement.domain.opportunity import KINDS, PUBLISHED, Opportunity
from services.engagement.domain.vocabulary import DISTRICTS, TIMES_OF_DAY, TOPICS, WEEKDAYS, WITH_WHOM

MAX_RESULTS = 200  # a page never holds more; the network has dozens of opportunities, not thousands

Reason = tuple[str, str]  # (facet, value): ("district", "Lobeda"), ("time_of_day", "afternoon")


@dataclass(frozen=True)
class Query:
    districts: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    with_whom: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    times_of_day: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    no_certificate: bool = False  # only what needs no Führungszeugnis
    max_minutes: int | None = None  # "how long": at most this much a shift, or a week


@dataclass(frozen=True)
class Hit:
    opportunity: Opportunity
    reasons: tuple[Reason, ...]


def query_problems(query: Query) -> dict[str, str]:
    """Field -> "unknown" for values outside the vocabulary (a hand-edited address): the page
    says so instead of silently showing everything."""
    facets: dict[str, tuple[tuple[object, ...], tuple[object, ...]]] = {
        "districts": (query.districts, DISTRICTS),
        "topics": (query.topics, TOPICS),
        "with_whom": (query.with_whom, WITH_WHOM),
        "weekdays": (query.weekdays, WEEKDAYS),
        "times_of_day": (query.times_of_day, tuple(TIMES_OF_DAY)),
        "kinds": (query.kinds, KINDS),
    }
    found = {name: "unknown" for name, (values, allowed) in facets.items() if any(v not in allowed for v in values)}
    if query.max_minutes is not None and not 0 < query.max_minutes <= 24 * 60:
        found["max_minutes"] = "out_of_range"
    return found


def match(opportunity: Opportunity, query: Query) -> tuple[Reason, ...] | None:
    """The reasons a published opportunity matches the query, in the order of the facets; None
    when it does not match (or is not published)."""
    o = opportunity
    if o.state != PUBLISHED:
        return None
    reasons: list[Reason] = []
    if query.districts:
        if o.district not in query.districts:
            return None
        reasons.append(("district", o.district))
    for facet, wanted, offered in (("topic", query.topics, o.topics), ("with_whom", query.with_whom, o.with_whom)):
        if wanted:
            common = [v for v in offered if v in wanted]
            if not common:
                return None
            reasons.extend((facet, v) for v in common)
    when = _when(o, query)
    if when is None:
        return None
    reasons.extend(when)
    if query.kinds:
        if o.kind not in query.kinds:
            return None
        reasons.append(("kind", o.kind))
    if query.no_certificate:
        if o.requirements.certificate_needed:
            return None
        reasons.append(("certificate", "not_needed"))
    if query.max_minutes is not None:
        if o.expected_minutes > query.max_minutes:
            return None
        reasons.append(("per_shift" if o.per_shift else "per_week", str(o.expected_minutes)))
    return tuple(reasons)


def _when(o: Opportunity, query: Query) -> list[Reason] | None:
    if not query.weekdays and not query.times_of_day:
        return []
    if o.when.flexible:
        return [("when", "flexible")]
    reasons: list[Reason] = []
    for facet, wanted, offered in (
        ("weekday", query.weekdays, o.when.weekdays),
        ("time_of_day", query.times_of_day, o.when.times_of_day),
    ):
        if wanted:
            common = [v for v in offered if v in wanted]
            if not common:
                return None
            reasons.extend((facet, str(v)) for v in common)
    return reasons


def search(opportunities: Iterable[Opportunity], query: Query, limit: int = MAX_RESULTS) -> list[Hit]:
    """The matching opportunities, newest publication first, at most `limit`."""
    hits = [Hit(o, reasons) for o in opportunities if (reasons := match(o, query)) is not None]
    hits.sort(key=lambda h: (h.opportunity.title.casefold(), h.opportunity.id))
    hits.sort(key=lambda h: h.opportunity.published_at.timestamp() if h.opportunity.published_at else 0.0, reverse=True)
    return hits[: max(0, min(limit, MAX_RESULTS))]
