"""The network's shared vocabulary as plain data: categories and audiences of offerings, their
accessibility facts, and the equipment of rooms. The office edits it (/account/admin/vocabulary);
the terms live in identity's database (models.VocabularyTerm) and reach the services through
IdentityStore.vocabulary() as a Vocabulary, which domain code takes as an argument.

A term's key is what events and bookings store (CATEGORIES, X-TREFFPUNKT-AUDIENCE, a room's
equipment list) and what feed addresses name, so it never changes: labels do. A retired term
is offered in no form and no filter choice, but everything that holds it keeps it, shows its
label and may still be filtered by it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("category", "audience", "accessibility", "equipment")
# Categories and audiences are stored as the German words themselves (what Thunderbird shows in
# its categories); accessibility facts and equipment as lower-case ASCII keys.
WORD_KINDS = ("category", "audience")
KEY_MAX, LABEL_MAX = 40, 60

FOR_EVERYONE = "Alle"  # an offering for everyone: in every audience's filter and feed
# Terms the code names, so they stay: retiring them would change a rule, not a word.
FIXED = {
    ("audience", FOR_EVERYONE): "for_everyone",  # the filter adds it to every audience; the form's own box
    ("accessibility", "stufenlos"): "schema_org",  # mapped to schema.org's amenityFeature (public/jsonld.py)
    ("accessibility", "hoerschleife"): "schema_org",
}
# letters, digits, spaces and a few marks: no commas or semicolons (iCalendar lists), no % or _
# (LIKE), no slash (an address's path)
_WORD = re.compile(r"^[^\W_](?:[^\W_]|[ .:'&+()-])*$")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_FOLDED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass(frozen=True)
class Term:
    kind: str
    key: str
    label_de: str
    label_en: str
    position: int
    active: bool = True

    def label(self, language: str) -> str:
        """The label in the reader's language (German when English is missing)."""
        return self.label_en if language == "en" and self.label_en else self.label_de

    @property
    def fixed(self) -> bool:
        return (self.kind, self.key) in FIXED


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...] = ()

    def of(self, kind: str, *, active_only: bool = False) -> tuple[Term, ...]:
        """The kind's terms in their order; retired ones too unless `active_only`."""
        found = (t for t in self.terms if t.kind == kind and (t.active or not active_only))
        return tuple(sorted(found, key=lambda t: (t.position, t.key)))

    def keys(self, kind: str, *, active_only: bool = False) -> tuple[str, ...]:
        return tuple(t.key for t in self.of(kind, active_only=active_only))

    def choices(self, kind: str, holding: Iterable[str] = ()) -> tuple[Term, ...]:
        """What a form or filter offers: the active terms, and retired ones that `holding`
        (what the edited thing already carries) names, so saving it keeps them."""
        held = {v.casefold() for v in holding}
        return tuple(t for t in self.of(kind) if t.active or t.key.casefold() in held)

    def term(self, kind: str, value: str) -> Term | None:
        """The term whose key is `value`, ignoring case (a calendar program may write "sport")."""
        folded = value.strip().casefold()
        return next((t for t in self.terms if t.kind == kind and t.key.casefold() == folded), None)

    def known(self, kind: str, values: Iterable[str]) -> tuple[str, ...]:
        """The values that are terms of `kind`, as their keys, in order, once each; free text
        a calendar program stored beside them is left out."""
        found = (self.term(kind, v) for v in values)
        return tuple(dict.fromkeys(t.key for t in found if t is not None))

    def label(self, kind: str, value: str, language: str) -> str:
        found = self.term(kind, value)
        return found.label(language) if found else value


def make_key(kind: str, label_de: str) -> str:
    """The stored key of a new term: the German word itself for categories and audiences, a
    lower-case ASCII key for the others ("Gebärdensprache (DGS)" -> "gebaerdensprache-dgs").
    "" when the label gives none (key_problem says why)."""
    label = " ".join(label_de.split())
    if kind in WORD_KINDS:
        return label
    ascii_text = unicodedata.normalize("NFKD", label.translate(_FOLDED)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:KEY_MAX].strip("-")


def key_problem(kind: str, key: str) -> str | None:
    """Why `key` cannot be stored as a term of `kind`, as a code; None when it can."""
    if kind not in KINDS:
        return "kind_unknown"
    if not key:
        return "key_empty"
    if len(key) > KEY_MAX:
        return "key_too_long"
    if not (_WORD if kind in WORD_KINDS else _SLUG).match(key):
        return "key_characters"
    return None


def clash(vocabulary: Vocabulary, kind: str, key: str, label_de: str, but: str | None = None) -> Term | None:
    """Another term of `kind` with this key or this German label (case ignored), if any."""
    folded_key, folded_label = key.casefold(), " ".join(label_de.split()).casefold()
    for term in vocabulary.of(kind):
        if term.key == but:
            continue
        if term.key.casefold() == folded_key or term.label_de.casefold() == folded_label:
            return term
    return None


def moved(terms: tuple[Term, ...], key: str, step: int) -> list[str]:
    """The kind's keys in their new order after moving `key` one place up (-1) or down (+1)."""
    keys = [t.key for t in terms]
    at = keys.index(key)
    to = min(max(at + step, 0), len(keys) - 1)
    keys.insert(to, keys.pop(at))
    return keys
