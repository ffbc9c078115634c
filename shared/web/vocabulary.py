"""The shared vocabulary for this request (identity's, read once per request) and the reader's
language for its labels."""

from __future__ import annotations

from flask import g
from flask_babel import get_locale

from shared.auth import identity
from shared.identity.vocabulary import Vocabulary


def vocabulary() -> Vocabulary:
    if "vocabulary" not in g:
        g.vocabulary = identity().vocabulary()
    found: Vocabulary = g.vocabulary
    return found


def reader_language() -> str:
    """de or en: which of a term's labels the page shows."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "de"
