"""Recovery codes: ten single-use codes for a day without the phone. They are shown once and
kept only as hashes.

Twelve characters from an alphabet without look-alikes (no 0/o, 1/l/i) carry 59 bits: too many
to guess through the throttled form, and too many to find from a copied hash, so a fast hash
suffices and a code is found with one indexed lookup."""

from __future__ import annotations

import secrets

COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # 31 characters
LENGTH = 12
GROUP = 4


def new_codes(count: int = COUNT) -> list[str]:
    """Fresh codes as shown to the person: "abcd-efgh-jkmn"."""
    return [_shown("".join(secrets.choice(ALPHABET) for _ in range(LENGTH))) for _ in range(count)]


def _shown(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalised(typed: str) -> str | None:
    """A typed recovery code as it is hashed: lower case, without spaces and dashes; None when it
    cannot be one (wrong length or characters)."""
    code = "".join(c for c in typed.strip().lower() if c not in " -")
    return code if len(code) == LENGTH and all(c in ALPHABET for c in code) else None
