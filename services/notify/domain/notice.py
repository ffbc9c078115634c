"""A booking notice as the notify domain sees it: plain values from the validated message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime  # aware
    ends_at: datetime
    cancelled: bool = False
    ref: int | None = None  # the sender's id of this date
    cancel_url: str = ""  # cancels only this date, in one click


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

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> Notice:
        """From the output of shared.contracts.load("notify.booking_notice", ...)."""
        room, recipient = data["room"], data["recipient"]
        occurrences = tuple(
            sorted(
                (
                    Occurrence(
                        o["starts_at"],
                        o["ends_at"],
                        o.get("state") == "cancelled",
                        o.get("id"),
                        o.get("cancel_url") or "",
                    )
                    for o in data["occurrences"]
                ),
                key=lambda o: o.starts_at,
            )
        )
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
        )

    @property
    def cancels(self) -> bool:
        """Whether the person's calendar entry goes away (iTIP CANCEL) rather than being set."""
        return self.kind in ("cancelled", "declined") or not self.active_occurrences

    @property
    def active_occurrences(self) -> tuple[Occurrence, ...]:
        return tuple(o for o in self.occurrences if not o.cancelled)

    @property
    def shown_occurrences(self) -> tuple[Occurrence, ...]:
        """The dates the texts talk about: the valid ones, or all of them when it is cancelled."""
        return self.occurrences if self.cancels else self.active_occurrences
