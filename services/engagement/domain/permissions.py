"""Who may do what in the engagement exchange: one matrix of roles × actions, asked by the use
cases, the pages and the exports alike, so that no layer words a permission of its own.

The roles, for one opportunity (and the volunteers on it) of one partner:
  coordination  the coordination office
  owner         staff of the partner the opportunity belongs to
  other         staff of another partner: sees the public page, never the volunteers
  volunteer     the volunteer by their signed link, for their own records only
  public        anyone else

Partners never see each other's volunteers: no action on volunteers is open to `other`."""

from __future__ import annotations

from typing import Protocol

COORDINATION, OWNER, OTHER, VOLUNTEER, PUBLIC = "coordination", "owner", "other", "volunteer", "public"
ROLES = (COORDINATION, OWNER, OTHER, VOLUNTEER, PUBLIC)

_SIDE = frozenset({COORDINATION, OWNER})
_EVERYONE = frozenset(ROLES)

# action -> the roles allowed it
MATRIX: dict[str, frozenset[str]] = {
    "view_published": _EVERYONE,
    "apply": _EVERYONE,  # anyone may offer help (staff of another partner too, as a person)
    "manage_opportunity": _SIDE,  # post, edit, pause, close
    "review_opportunity": frozenset({COORDINATION}),
    "view_applications": _SIDE,
    "decide_application": _SIDE,  # accept, decline, put in touch
    "see_volunteer_contact": _SIDE,
    "see_suggestions": _SIDE,  # matches from the interest forms
    "manage_shift_people": _SIDE,  # add and remove people, also after the deadline
    "message_shift": _SIDE,
    "export_roster": _SIDE,
    "record_hours": _SIDE,
    "record_certificate": _SIDE,
    "manage_sponsorship": _SIDE,
    "see_sponsorship_notes": _SIDE,
    "see_figures": frozenset({COORDINATION}),  # compares partners: the office's business
    "view_own_commitments": frozenset({VOLUNTEER}),
    "change_own_commitments": frozenset({VOLUNTEER}),  # change or withdraw, until the deadline
    "request_deletion": frozenset({VOLUNTEER}),
}
ACTIONS = tuple(MATRIX)

# action -> the problem code the pages word when it is refused
REFUSAL = {
    action: (
        "not_coordination" if allowed == {COORDINATION} else "link_needed" if allowed == {VOLUNTEER} else "not_yours"
    )
    for action, allowed in MATRIX.items()
}


class Who(Protocol):
    @property
    def partner_id(self) -> int | None: ...

    @property
    def is_coordination(self) -> bool: ...


def role_of(
    who: Who | None,
    owner_partner_id: int | None,
    link_volunteer_id: int | None = None,
    subject_volunteer_id: int | None = None,
) -> str:
    """The role of whoever asks, about the records of `owner_partner_id` (and of the volunteer
    `subject_volunteer_id`, when the question is about one). A signed link counts only for the
    volunteer it was made for; anyone else's link makes nobody a volunteer."""
    if who is not None and who.is_coordination:
        return COORDINATION
    if who is not None and who.partner_id is not None and who.partner_id == owner_partner_id:
        return OWNER
    if link_volunteer_id is not None and link_volunteer_id == subject_volunteer_id:
        return VOLUNTEER
    if who is not None and who.partner_id is not None:
        return OTHER
    return PUBLIC


def allowed(action: str, role: str) -> bool:
    """Unknown actions and roles are refused (a typo must not open anything)."""
    return role in MATRIX.get(action, frozenset())


def can(
    action: str,
    who: Who | None,
    owner_partner_id: int | None,
    link_volunteer_id: int | None = None,
    subject_volunteer_id: int | None = None,
) -> bool:
    return allowed(action, role_of(who, owner_partner_id, link_volunteer_id, subject_volunteer_id))
