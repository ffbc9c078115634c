"""An application ("Ich möchte helfen") for a regular or open-ended opportunity, with double
opt-in: nothing reaches the partner before the volunteer has confirmed their email address.

    unconfirmed --confirm--> confirmed --partner--> accepted | declined | in_touch
    in_touch --partner--> accepted | declined
    unconfirmed | confirmed | in_touch | accepted --volunteer--> withdrawn
    unconfirmed --N days--> expired

Refusals are codes; the pages word them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.text import text_problem

UNCONFIRMED, CONFIRMED, ACCEPTED, DECLINED, IN_TOUCH, WITHDRAWN, EXPIRED = (
    "unconfirmed",
    "confirmed",
    "accepted",
    "declined",
    "in_touch",
    "withdrawn",
    "expired",
)
STATES = (UNCONFIRMED, CONFIRMED, ACCEPTED, DECLINED, IN_TOUCH, WITHDRAWN, EXPIRED)
CLOSED_STATES = (DECLINED, WITHDRAWN, EXPIRED)  # the end of it; accepted stays open while they help
# who acts: the volunteer (by their signed link), the owning partner's staff, the office
VOLUNTEER, PARTNER, OFFICE = "volunteer", "partner", "office"
DEFAULT_EXPIRY = timedelta(days=7)

NAME_MAX, EMAIL_MAX, PHONE_MAX, MESSAGE_MAX, AVAILABILITY_MAX = 100, 254, 40, 2000, 500
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()/-]{5,}$")

_MOVES: dict[tuple[str, str], tuple[str, ...]] = {
    (CONFIRMED, ACCEPTED): (PARTNER, OFFICE),
    (CONFIRMED, DECLINED): (PARTNER, OFFICE),
    (CONFIRMED, IN_TOUCH): (PARTNER, OFFICE),
    (IN_TOUCH, ACCEPTED): (PARTNER, OFFICE),
    (IN_TOUCH, DECLINED): (PARTNER, OFFICE),
    (UNCONFIRMED, WITHDRAWN): (VOLUNTEER,),
    (CONFIRMED, WITHDRAWN): (VOLUNTEER,),
    (IN_TOUCH, WITHDRAWN): (VOLUNTEER,),
    (ACCEPTED, WITHDRAWN): (VOLUNTEER,),
}


@dataclass(frozen=True)
class Application:
    id: int
    opportunity_id: int
    volunteer_id: int
    created_at: datetime
    state: str = UNCONFIRMED
    confirmed_at: datetime | None = None
    closed_at: datetime | None = None  # declined, withdrawn or expired

    @property
    def reaches_partner(self) -> bool:
        """The partner sees it only once confirmed (and not when it expired unconfirmed)."""
        return self.state not in (UNCONFIRMED, EXPIRED) and self.confirmed_at is not None


def application_problems(
    name: str, email: str, phone: str, availability: str, message: str, consent: bool
) -> dict[str, str]:
    """Field -> problem code for the form "Ich möchte helfen"; an email is needed for the
    double opt-in, a phone number is optional."""
    found: dict[str, str] = {}
    cleaned = name.strip()
    if not cleaned:
        found["name"] = "missing"
    elif problem := text_problem(cleaned, NAME_MAX):
        found["name"] = problem
    if problem := email_problem(email):
        found["email"] = problem
    if phone.strip() and (len(phone.strip()) > PHONE_MAX or not _PHONE.match(phone.strip())):
        found["phone"] = "phone_invalid"
    if problem := text_problem(availability.strip(), AVAILABILITY_MAX, multiline=True):
        found["availability"] = problem
    if problem := text_problem(message.strip(), MESSAGE_MAX, multiline=True):
        found["message"] = problem
    if not consent:
        found["consent"] = "consent_missing"
    return found


def email_problem(email: str) -> str | None:
    """Why `email` cannot take a confirmation mail, as a code; None when it can."""
    email = email.strip()
    if not email:
        return "missing"
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        return "email_invalid"
    return None


def is_expired(application: Application, now: datetime, expiry: timedelta = DEFAULT_EXPIRY) -> bool:
    """An unconfirmed application is void `expiry` after it was made (the link in the email too)."""
    return application.state == UNCONFIRMED and now >= application.created_at + expiry


def confirm(application: Application, now: datetime, expiry: timedelta = DEFAULT_EXPIRY) -> Application:
    """The volunteer clicked the link in the email. Clicking twice is harmless (the same answer)."""
    if application.state == CONFIRMED:
        return application
    if application.state != UNCONFIRMED:
        raise ValueError("not_unconfirmed")
    if is_expired(application, now, expiry):
        raise ValueError("expired")
    return replace(application, state=CONFIRMED, confirmed_at=now)


def expire(application: Application, now: datetime, expiry: timedelta = DEFAULT_EXPIRY) -> Application:
    """The application expired if it is due (the daily sweep calls this); else unchanged."""
    if not is_expired(application, now, expiry):
        return application
    return replace(application, state=EXPIRED, closed_at=now)


def move_problem(application: Application, target: str, actor: str) -> str | None:
    allowed = _MOVES.get((application.state, target))
    if allowed is None:
        return "transition_not_allowed"
    if actor not in allowed:
        return "not_yours_to_decide"
    return None


def moved(application: Application, target: str, actor: str, now: datetime) -> Application:
    """The application in `target`; raises ValueError with the code when not allowed."""
    problem = move_problem(application, target, actor)
    if problem:
        raise ValueError(problem)
    closed_at = now if target in CLOSED_STATES else application.closed_at
    return replace(application, state=target, closed_at=closed_at)
