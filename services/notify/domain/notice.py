"""A booking notice as the notify domain sees it: plain values from the validated message.

A date is booked (valid), waiting for the owner's approval (pending), declined by the owner or
cancelled. The calendar entry of an invitation holds exactly the booked dates: a pending date
is not the person's yet, and a declined one counts as cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")
OFF = ("cancelled", "declined")  # dates that do not take place


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # aware
    ends_at: datetime
    state: str = "valid"  # valid | pending | declined | cancelled
    ref: int | None = None  # the sender's id of this date
    cancel_url: str = ""  # cancels only this date, in one click
    comment: str = ""  # the owner's word on this one date
    was_starts_at: datetime | None = None  # where it was before a change (both or neither)
    was_ends_at: datetime | None = None
    touched: bool = False  # the notice's cause changed this date (moved, cancelled, decided, put back)

    @property
    def cancelled(self) -> bool:
        return self.state in OFF

    @property
    def booked(self) -> bool:
        return self.state == "valid"

    @property
    def pending(self) -> bool:
        return self.state == "pending"

    @property
    def was(self) -> Occurrence | None:
        """The date as it was before a change that moved it; None if it did not move."""
        if self.was_starts_at is None or self.was_ends_at is None:
            return None
        if (self.was_starts_at, self.was_ends_at) == (self.starts_at, self.ends_at):
            return None
        return Occurrence(self.was_starts_at, self.was_ends_at)


@dataclass(frozen=True)
class Person:
    """Who asked for the booking, as the room's owner sees it."""

    name: str
    partner_name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Notice:
    message_id: str
    kind: str
    booking_id: int
    uid: str
    sequence: int
    title: str
    room_name: str
    room_address: str
    partner_name: str
    account_id: int
    recipient_name: str
    email: str
    phone: str
    language: str
    occurrences: tuple[Occurrence, ...]
    link: str = ""
    comment: str = ""
    preferences_url: str = ""  # signed link to this person's notification settings
    reminder_for: Occurrence | None = None  # the one date a reminder is about
    role: str = "booker"  # booker: asked for it; owner: staff of the room's partner
    booker: Person | None = None
    description: str = ""  # what the booking is for
    reason: str = ""  # why dates were cancelled
    in_own_calendar: bool = False  # booked by inviting the room to the booker's own event

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> Notice:
        """From the output of shared.contracts.load("notify.booking_notice", ...)."""
        room, recipient, booker = data["room"], data["recipient"], data.get("booker")
        occurrences = tuple(sorted((_occurrence(o) for o in data["occurrences"]), key=lambda o: o.starts_at))
        return cls(
            message_id=str(data["message_id"]),
            kind=data["kind"],
            booking_id=data["booking_id"],
            uid=data["uid"],
            sequence=data["sequence"],
            title=data["title"],
            room_name=room["name"],
            room_address=room.get("address", ""),
            partner_name=room.get("partner_name", ""),
            account_id=recipient["account_id"],
            recipient_name=recipient["name"],
            email=recipient.get("email", "").strip(),
            phone=recipient.get("phone", "").strip(),
            language=recipient.get("language", "de"),
            occurrences=occurrences,
            link=data.get("link", ""),
            comment=data.get("comment", ""),
            role=data.get("role") or "booker",
            booker=_person(booker) if booker else None,
            description=(data.get("description") or "").strip(),
            reason=(data.get("reason") or "").strip(),
            in_own_calendar=bool(data.get("in_own_calendar")),
        )

    @property
    def to_owner(self) -> bool:
        return self.role == "owner"

    @property
    def cancels(self) -> bool:
        """Whether the person's calendar entry goes away (iTIP CANCEL) rather than being set:
        the booking is cancelled or declined, or none of its dates is booked or waiting."""
        return self.kind in OFF or not any(o.booked or o.pending for o in self.occurrences)

    @property
    def invites(self) -> bool:
        """Whether the email carries a calendar invitation. Not for a request (a calendar program
        would file it as booked before the owner approves it), not to a room's owner (staff are
        not taking part), not when the booker's own calendar holds the event the room was
        invited to (the room's answer is written there), and not while every date still waits
        for approval (the approval brings it)."""
        if self.kind == "requested" or self.to_owner or self.in_own_calendar:
            return False
        return self.cancels or bool(self.active_occurrences)

    @property
    def active_occurrences(self) -> tuple[Occurrence, ...]:
        """The booked dates: what a calendar entry holds."""
        return tuple(o for o in self.occurrences if o.booked)

    @property
    def calendar_occurrences(self) -> tuple[Occurrence, ...]:
        """The dates an invitation names: the booked ones, or all of them when it cancels."""
        return self.occurrences if self.cancels else self.active_occurrences

    @property
    def shown_occurrences(self) -> tuple[Occurrence, ...]:
        """The dates the texts talk about by default: all of them when the booking is off, else
        those that take place or still wait for approval."""
        if self.cancels:
            return self.occurrences
        return tuple(o for o in self.occurrences if not o.cancelled)

    @property
    def partly_approved(self) -> bool:
        """An approval that declined some of the dates or left some waiting."""
        left_out = any(o.state in ("declined", "pending") for o in self.occurrences)
        return self.kind == "approved" and left_out and not self.cancels


def _occurrence(o: dict[str, Any]) -> Occurrence:
    return Occurrence(
        o["starts_at"],
        o["ends_at"],
        state=o.get("state") or "valid",
        ref=o.get("id"),
        cancel_url=o.get("cancel_url") or "",
        comment=(o.get("comment") or "").strip(),
        was_starts_at=o.get("was_starts_at"),
        was_ends_at=o.get("was_ends_at"),
        touched=bool(o.get("touched")),
    )


def _person(p: dict[str, Any]) -> Person:
    return Person(
        name=p["name"].strip(),
        partner_name=(p.get("partner_name") or "").strip(),
        email=(p.get("email") or "").strip(),
        phone=(p.get("phone") or "").strip(),
    )
