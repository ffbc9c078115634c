"""How long a volunteer's data is kept, and what deleting it means.

Data is kept while it is needed: while the volunteer has anything open (a confirmed shift ahead,
an application with the partner, an active Patenschaft, an active interest), and then for a
configurable number of months after the last thing ended. An unconfirmed sign-up that expired is
gone much sooner: nobody ever agreed to more. Deletion on request (through the signed link)
removes the same records at once; only anonymised counts stay for the figures."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

# What a deletion removes: every record that names or reaches the person.
DELETED = (
    "volunteer",  # name, email, phone, availability
    "applications",  # with their messages
    "shift_places",  # confirmed places and the waiting list
    "interests",
    "certificate_note",  # "seen on … by …"
    "sponsorship_notes",  # the coordinator's notes on their Patenschaft
    "signed_links",  # every link in old emails stops working
)
# What stays, without any link to the person: the figures for funders.
KEPT_ANONYMISED = (
    "hours_by_opportunity_and_month",
    "applications_by_district_and_month",
    "matches_by_district_and_month",
)


@dataclass(frozen=True)
class Policy:
    months_after_last_commitment: int = 24  # a shift, an accepted application, a Patenschaft
    months_after_application_closed: int = 6  # declined or withdrawn, nothing else
    months_after_unconfirmed_expired: int = 1

    def problems(self) -> dict[str, str]:
        return {
            name: "out_of_range"
            for name in (
                "months_after_last_commitment",
                "months_after_application_closed",
                "months_after_unconfirmed_expired",
            )
            if not 0 <= getattr(self, name) <= 120
        }


@dataclass(frozen=True)
class Trace:
    """What the store knows of a volunteer for this question."""

    has_open: bool  # anything still running or ahead
    last_commitment_ended: date | None = None
    last_application_closed: date | None = None
    unconfirmed_expired: date | None = None


def plus_months(day: date, months: int) -> date:
    """The same day `months` later, the month's last day where it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def due_on(trace: Trace, policy: Policy) -> date | None:
    """The day the volunteer's data is due for deletion: the latest of the periods that apply;
    None while something is open or nothing ever ended (nothing to count from)."""
    if trace.has_open:
        return None
    candidates = [
        plus_months(day, months)
        for day, months in (
            (trace.last_commitment_ended, policy.months_after_last_commitment),
            (trace.last_application_closed, policy.months_after_application_closed),
            (trace.unconfirmed_expired, policy.months_after_unconfirmed_expired),
        )
        if day is not None
    ]
    return max(candidates) if candidates else None


def is_due(trace: Trace, policy: Policy, today: date) -> bool:
    day = due_on(trace, policy)
    return day is not None and today >= day
