"""What a person wants to receive: per kind of message a choice of channels, a reminder lead
time and a language. Without stored preferences the defaults below apply."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("requested", "approved", "declined", "confirmed", "changed", "cancelled", "reminder")
CHOICES = ("email", "sms", "both", "none")
LANGUAGES = ("de", "en")
# minutes before the start; None: no reminders. Whole days count in calendar days (see reminders)
LEAD_OPTIONS = (120, 1440, 2880, None)
DEFAULT_LEAD = 1440
# SMS by default only where it matters on the day: the booking stands, is off, or is near
SMS_BY_DEFAULT = ("confirmed", "cancelled", "reminder")


@dataclass(frozen=True)
class Preferences:
    choices: dict[str, str] = field(default_factory=dict)  # kind -> choice; missing kinds: default
    lead_minutes: int | None = DEFAULT_LEAD
    language: str | None = None  # None: the language the sender put into the notice
    stored: bool = False


def default_choice(kind: str, has_phone: bool) -> str:
    return "both" if has_phone and kind in SMS_BY_DEFAULT else "email"


def choice_for(prefs: Preferences, kind: str, has_phone: bool) -> str:
    chosen = prefs.choices.get(kind)
    return chosen if chosen in CHOICES else default_choice(kind, has_phone)


def channels(prefs: Preferences, kind: str, has_email: bool, has_phone: bool) -> tuple[str, ...]:
    """The channels to use for one message; a channel without an address is left out."""
    chosen = choice_for(prefs, kind, has_phone)
    wanted = {"email": ("email",), "sms": ("sms",), "both": ("email", "sms"), "none": ()}[chosen]
    return tuple(c for c in wanted if (c == "email" and has_email) or (c == "sms" and has_phone))


def parse_choices(raw: dict[str, str] | None) -> dict[str, str]:
    """Only known kinds with known choices survive (stored JSON may be older than the code)."""
    return {k: v for k, v in (raw or {}).items() if k in KINDS and v in CHOICES}
