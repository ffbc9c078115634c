"""User names: chosen by whoever invites, or made from the email address (lena.beispiel@… ->
"lena.beispiel"), so the new colleague only has to choose a password. The mail tells the name."""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_CHARS = 60
MIN_CHARS = 3
ALLOWED = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SPELLED = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e", "á": "a", "à": "a", "ç": "c"}
FALLBACK = "konto"


def username_problem(name: str) -> str | None:
    """None for a name one may choose: lower-case letters, digits, dot, dash, underscore."""
    if len(name) < MIN_CHARS:
        return "too_short"
    if len(name) > MAX_CHARS:
        return "too_long"
    if not ALLOWED.match(name):
        return "characters"
    return None


def from_email(email: str, taken: Callable[[str], bool]) -> str:
    """A free user name from the address's local part; "lena2", "lena3" … when taken."""
    local = email.partition("@")[0].lower()
    spelled = "".join(_SPELLED.get(c, c) for c in local)
    base = re.sub(r"[^a-z0-9._-]", "", spelled).lstrip("._-")[: MAX_CHARS - 4]
    if len(base) < MIN_CHARS:
        base = FALLBACK
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        candidate = f"{base}{number}"
    return candidate
