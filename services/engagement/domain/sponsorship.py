"""A Patenschaft (Oma/Opa-Projekt and the like): a long-term match of a volunteer with a family,
moving forward through its stages, each with the day it began:

    first_talk -> getting_to_know -> active;  any stage -> ended (with a reason code)

The coordinator's notes are a field of their own: only the owning partner's staff and the
office see them (permissions.SEE_SPONSORSHIP_NOTES); `for_volunteer` is what anyone else gets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from shared.text import text_problem

FIRST_TALK, GETTING_TO_KNOW, ACTIVE, ENDED = "first_talk", "getting_to_know", "active", "ended"
STAGES = (FIRST_TALK, GETTING_TO_KNOW, ACTIVE, ENDED)
END_REASONS = (
    "completed",  # the agreed time is over, or the child has grown up
    "family_moved",
    "volunteer_moved",
    "volunteer_no_time",
    "health",
    "did_not_fit",
    "other",
)
NOTES_MAX = 4000


@dataclass(frozen=True)
class Sponsorship:
    id: int
    partner_id: int
    volunteer_id: int
    family_id: int  # the family is the partner's contact record, not an account
    started_on: date
    stage: str = FIRST_TALK
    stage_days: tuple[tuple[str, date], ...] = ()  # (stage, first day) after the first talk
    end_reason: str | None = None
    coordinator_notes: str = ""

    @property
    def ended(self) -> bool:
        return self.stage == ENDED

    def day_of(self, stage: str) -> date | None:
        if stage == FIRST_TALK:
            return self.started_on
        return dict(self.stage_days).get(stage)

    @property
    def since(self) -> date:
        """The day the current stage began."""
        return self.stage_days[-1][1] if self.stage_days else self.started_on


def advance_problem(s: Sponsorship, target: str, on: date, reason: str | None = None) -> str | None:
    if s.ended:
        return "already_ended"
    if target not in STAGES:
        return "stage_unknown"
    if target == ENDED:
        if reason not in END_REASONS:
            return "reason_missing"
    elif STAGES.index(target) != STAGES.index(s.stage) + 1:
        return "stage_skipped"  # forward one at a time; a getting-to-know that fails ends
    if on < s.since:
        return "before_previous_stage"
    return None


def advanced(s: Sponsorship, target: str, on: date, reason: str | None = None) -> Sponsorship:
    """The sponsorship in `target` from `on`; ValueError with the code when not allowed."""
    problem = advance_problem(s, target, on, reason)
    if problem:
        raise ValueError(problem)
    return replace(
        s,
        stage=target,
        stage_days=(*s.stage_days, (target, on)),
        end_reason=reason if target == ENDED else None,
    )


def notes_problem(notes: str) -> str | None:
    return text_problem(notes.strip(), NOTES_MAX, multiline=True)


def for_volunteer(s: Sponsorship) -> Sponsorship:
    """What the volunteer (or anyone not allowed the notes) is shown: without the notes."""
    return replace(s, coordinator_notes="")
