"""An opportunity (Engagementangebot) of a partner, what makes a draft publishable, and the way
it moves from draft to closed. Problems are codes per field; the pages word them.

States: draft -> in_review -> published <-> paused -> closed. When the coordination office asks
for review (a setting of the network), a partner's draft goes through in_review and only the
office publishes it; without review the partner publishes directly. Closed is final: a closed
opportunity stays for the figures and the volunteers' history, a new season is a new one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from shared.text import text_problem

from services.engagement.domain.vocabulary import DISTRICTS, TIMES_OF_DAY, TOPICS, WEEKDAYS, WITH_WHOM, unknown

KINDS = ("shift", "regular", "open")  # one-off dated shifts, regular dates, open-ended role
DRAFT, IN_REVIEW, PUBLISHED, PAUSED, CLOSED = "draft", "in_review", "published", "paused", "closed"
STATES = (DRAFT, IN_REVIEW, PUBLISHED, PAUSED, CLOSED)
# who acts: the owning partner's staff, or the coordination office
PARTNER, OFFICE = "partner", "office"

TITLE_MAX = 120
PLACE_MAX = 200
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 4000  # a line of what one would do, at least
CONTACT_NAME_MAX, EMAIL_MAX, PHONE_MAX = 100, 254, 40
LANGUAGES_MAX = 10
# Expected time in minutes: a shift of a quarter hour up to twelve hours; regular and open roles
# per week, up to twenty hours (more is a job, not volunteering, and almost always a typo)
SHIFT_MINUTES = (15, 12 * 60)
WEEK_MINUTES = (15, 20 * 60)

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")  # ISO 639 codes: "de", "ar", "uk", "fa"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()/-]{5,}$")


@dataclass(frozen=True)
class When:
    """When help is wanted: weekdays and times of day, or flexible (agreed with the volunteer).
    A shift opportunity's weekdays and times come from its shifts (shifts.schedule_of)."""

    weekdays: tuple[int, ...] = ()
    times_of_day: tuple[str, ...] = ()
    flexible: bool = False


@dataclass(frozen=True)
class Requirements:
    languages: tuple[str, ...] = ()  # ISO 639 codes the volunteer should speak
    certificate_needed: bool = False  # erweitertes Führungszeugnis (work with children, § 72a SGB VIII)


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Opportunity:
    id: int
    partner_id: int
    kind: str
    title: str
    description: str
    district: str
    contact: Contact
    place: str = ""  # where one helps (an address); empty: agreed with the volunteer
    topics: tuple[str, ...] = ()
    with_whom: tuple[str, ...] = ()
    when: When = field(default_factory=When)
    expected_minutes: int = 120  # per shift (kind "shift") or per week (the others)
    requirements: Requirements = field(default_factory=Requirements)
    state: str = DRAFT
    published_at: datetime | None = None

    @property
    def per_shift(self) -> bool:
        return self.kind == "shift"


def problems(opportunity: Opportunity) -> dict[str, str]:
    """Field -> problem code; empty when the opportunity may go to review or be published."""
    found: dict[str, str] = {}
    o = opportunity
    if o.kind not in KINDS:
        found["kind"] = "kind_unknown"
    _text(found, "title", o.title, TITLE_MAX)
    _text(found, "description", o.description, DESCRIPTION_MAX, multiline=True)
    if "description" not in found and len(o.description.strip()) < DESCRIPTION_MIN:
        found["description"] = "too_short"
    if problem := text_problem(o.place.strip(), PLACE_MAX):
        found["place"] = problem
    if o.district not in DISTRICTS:
        found["district"] = "district_unknown"
    if not o.topics:
        found["topics"] = "missing"
    elif unknown(o.topics, TOPICS):
        found["topics"] = "unknown"
    if not o.with_whom:
        found["with_whom"] = "missing"
    elif unknown(o.with_whom, WITH_WHOM):
        found["with_whom"] = "unknown"
    if unknown(o.when.weekdays, WEEKDAYS):
        found["weekdays"] = "unknown"
    if unknown(o.when.times_of_day, tuple(TIMES_OF_DAY)):
        found["times_of_day"] = "unknown"
    if o.kind == "regular" and not o.when.flexible and not o.when.weekdays:
        found["weekdays"] = "missing"  # regular dates are on some weekday, or say "flexible"
    low, high = SHIFT_MINUTES if o.per_shift else WEEK_MINUTES
    if not low <= o.expected_minutes <= high:
        found["expected_minutes"] = "out_of_range"
    languages = o.requirements.languages
    if (
        len(languages) > LANGUAGES_MAX
        or any(not _LANGUAGE.match(x) for x in languages)
        or unknown(languages, languages)
    ):
        found["languages"] = "unknown"
    found.update(contact_problems(o.contact))
    return found


def contact_problems(contact: Contact) -> dict[str, str]:
    found: dict[str, str] = {}
    _text(found, "contact_name", contact.name, CONTACT_NAME_MAX)
    email, phone = contact.email.strip(), contact.phone.strip()
    if not email and not phone:
        found["contact_email"] = "contact_missing"  # one way to reach the partner at least
    if email and (len(email) > EMAIL_MAX or not _EMAIL.match(email)):
        found["contact_email"] = "email_invalid"
    if phone and (len(phone) > PHONE_MAX or not _PHONE.match(phone)):
        found["contact_phone"] = "phone_invalid"
    return found


def _text(found: dict[str, str], name: str, value: str, limit: int, multiline: bool = False) -> None:
    cleaned = value.strip()
    if not cleaned:
        found[name] = "missing"
    elif problem := text_problem(cleaned, limit, multiline):
        found[name] = problem


# (from, to) -> who may make the move, as a function of whether the office reviews posts
_MOVES: dict[tuple[str, str], tuple[str, ...]] = {
    (DRAFT, IN_REVIEW): (PARTNER, OFFICE),
    (IN_REVIEW, DRAFT): (PARTNER, OFFICE),  # the partner takes it back, or the office sends it back
    (IN_REVIEW, PUBLISHED): (OFFICE,),
    (DRAFT, PUBLISHED): (PARTNER, OFFICE),  # the partner only without review (see transition)
    (PUBLISHED, PAUSED): (PARTNER, OFFICE),
    (PAUSED, PUBLISHED): (PARTNER, OFFICE),  # it was seen in review before
    (DRAFT, CLOSED): (PARTNER, OFFICE),
    (IN_REVIEW, CLOSED): (PARTNER, OFFICE),
    (PUBLISHED, CLOSED): (PARTNER, OFFICE),
    (PAUSED, CLOSED): (PARTNER, OFFICE),
}


def transition_problem(opportunity: Opportunity, target: str, actor: str, review_required: bool) -> str | None:
    """Why `actor` (PARTNER: staff of the owning partner; OFFICE) may not move the opportunity to
    `target`, as a code; None when the move is allowed. Whether the actor is the owner's staff at
    all is permissions' question, asked before."""
    allowed = _MOVES.get((opportunity.state, target))
    if allowed is None:
        return "transition_not_allowed"
    if actor not in allowed:
        return "office_only"
    if (opportunity.state, target) == (DRAFT, PUBLISHED) and actor == PARTNER and review_required:
        return "review_required"
    if target in (IN_REVIEW, PUBLISHED) and problems(opportunity):
        return "incomplete"
    return None


def moved(opportunity: Opportunity, target: str, actor: str, review_required: bool, now: datetime) -> Opportunity:
    """The opportunity in `target`; raises ValueError with the code when the move is not allowed.
    published_at is the first publication (the search's order), kept over pauses."""
    if now.tzinfo is None:
        raise ValueError("naive_time")
    problem = transition_problem(opportunity, target, actor, review_required)
    if problem:
        raise ValueError(problem)
    published_at = opportunity.published_at
    if target == PUBLISHED and published_at is None:
        published_at = now
    return replace(opportunity, state=target, published_at=published_at)


def next_states(opportunity: Opportunity, actor: str, review_required: bool) -> tuple[str, ...]:
    """The states `actor` may move it to now (the buttons a page offers)."""
    return tuple(t for t in STATES if transition_problem(opportunity, t, actor, review_required) is None)
