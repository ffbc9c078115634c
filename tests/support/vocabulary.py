"""A small vocabulary for unit tests (the real one is in identity's database, seeded by its
migration): a few terms of each kind, one of them retired."""

from __future__ import annotations

from shared.identity.vocabulary import Term, Vocabulary


def terms(kind: str, *rows: tuple[str, str, str], retired: tuple[str, ...] = ()) -> tuple[Term, ...]:
    return tuple(Term(kind, key, de, en, i, key not in retired) for i, (key, de, en) in enumerate(rows))


WORDS = Vocabulary(
    terms(
        "category",
        ("Sport", "Sport und Bewegung", "Sport and exercise"),
        ("Kultur", "Kultur", "Culture"),
        ("Handarbeit", "Handarbeit", "Crafts"),
        retired=("Handarbeit",),
    )
    + terms(
        "audience",
        ("Kinder", "Kinder", "Children"),
        ("Senioren", "Senior:innen", "Older people"),
        ("Alle", "alle", "all"),
    )
    + terms(
        "accessibility",
        ("stufenlos", "stufenlos erreichbar", "step-free access"),
        ("hoerschleife", "Hörschleife", "hearing loop"),
    )
    + terms("equipment", ("beamer", "Beamer", "Projector"))
)
