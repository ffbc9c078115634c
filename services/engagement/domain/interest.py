"""An interest form for when nothing fits ("tell me when something in Winzerla on weekday
mornings comes up"), matched against a newly published opportunity, and the other way round:
suggestions for a partner's opportunity from the stored interests. Both ask the same rule.

What an interest names is a condition for place and time: an opportunity in another district,
or on other weekdays or times (unless flexible), does not match. Topics and with whom are wishes:
each one met raises the score and gives a reason, none met leaves the opportunity in (a person
who wants to help mornings in Winzerla will hear of the Mittagstisch even if they ticked
"Hausaufgabenhilfe"). A facet left empty means "any" and gives neither points nor a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.engagement.domain.opportunity import PUBLISHED, Opportunity
from services.engagement.domain.search import Reason
from services.engagement.domain.vocabulary import DISTRICTS, TIMES_OF_DAY, TOPICS, WEEKDAYS, WITH_WHOM, unknown

# the weights: place counts most, then time, then wishes
DISTRICT_POINTS, WHEN_POINTS, WISH_POINTS = 3, 2, 1
MAX_SUGGESTIONS = 50


@dataclass(frozen=True)
class Interest:
    id: int
    volunteer_id: int
    created_at: datetime
    districts: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    times_of_day: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    with_whom: tuple[str, ...] = ()
    active: bool = True  # the volunteer may stop it through their link


@dataclass(frozen=True)
class InterestMatch:
    interest: Interest
    opportunity: Opportunity
    score: int
    reasons: tuple[Reason, ...]


def interest_problems(interest: Interest) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, values, allowed in (
        ("districts", interest.districts, DISTRICTS),
        ("weekdays", interest.weekdays, WEEKDAYS),
        ("times_of_day", interest.times_of_day, tuple(TIMES_OF_DAY)),
        ("topics", interest.topics, TOPICS),
        ("with_whom", interest.with_whom, WITH_WHOM),
    ):
        if unknown(tuple(values), tuple(allowed)):
            found[name] = "unknown"
    if not any((interest.districts, interest.weekdays, interest.times_of_day, interest.topics, interest.with_whom)):
        found["districts"] = "nothing_chosen"  # an interest in everything is the search's job
    return found


def match(interest: Interest, opportunity: Opportunity, *, published_only: bool = True) -> InterestMatch | None:
    """How well the opportunity fits the interest, or None when it does not. A partner asks for
    suggestions also for a draft or a paused opportunity (published_only=False)."""
    o = opportunity
    if not interest.active or (published_only and o.state != PUBLISHED):
        return None
    score, reasons = 0, list[Reason]()
    if interest.districts:
        if o.district not in interest.districts:
            return None
        score += DISTRICT_POINTS
        reasons.append(("district", o.district))
    if interest.weekdays or interest.times_of_day:
        if o.when.flexible:
            score += WHEN_POINTS
            reasons.append(("when", "flexible"))
        else:
            for facet, wanted, offered in (
                ("weekday", interest.weekdays, o.when.weekdays),
                ("time_of_day", interest.times_of_day, o.when.times_of_day),
            ):
                if wanted:
                    common = [v for v in offered if v in wanted]
                    if not common:
                        return None
                    score += WHEN_POINTS
                    reasons.extend((facet, str(v)) for v in common)
    for facet, wishes, offered in (
        ("topic", interest.topics, o.topics),
        ("with_whom", interest.with_whom, o.with_whom),
    ):
        common = [v for v in offered if v in wishes]
        score += WISH_POINTS * len(common)
        reasons.extend((facet, str(v)) for v in common)
    return InterestMatch(interest, o, score, tuple(reasons))


def _order(m: InterestMatch) -> tuple[int, float, int]:
    return (-m.score, m.interest.created_at.timestamp(), m.interest.id)


def to_notify(
    opportunity: Opportunity, interests: Iterable[Interest], *, published_only: bool = True
) -> list[InterestMatch]:
    """Whom to tell of a newly published opportunity: every matching interest, best first, one
    match per volunteer (their best)."""
    best: dict[int, InterestMatch] = {}
    found = (m for i in interests if (m := match(i, opportunity, published_only=published_only)))
    for m in sorted(found, key=_order):
        best.setdefault(m.interest.volunteer_id, m)
    return sorted(best.values(), key=_order)


def suggestions(
    opportunity: Opportunity, interests: Iterable[Interest], limit: int = MAX_SUGGESTIONS
) -> list[InterestMatch]:
    """Suggested volunteers for a partner's opportunity: the same rule, best first, bounded."""
    return to_notify(opportunity, interests, published_only=False)[: max(0, min(limit, MAX_SUGGESTIONS))]
