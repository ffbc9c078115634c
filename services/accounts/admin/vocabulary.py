"""The shared vocabulary as the office keeps it: add a term, change its labels, move it up or
down its list, retire it and bring it back (shared/identity/vocabulary.py says what a term is).
Keys are made once, from the German label, and never change; every change is in the audit log."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.db import SessionFactory, transaction
from shared.identity import audit
from shared.identity.models import VocabularyTerm
from shared.identity.store import Principal
from shared.identity.vocabulary import KINDS, Term, Vocabulary, clash, key_problem, make_key, moved

from services.accounts.admin.office import acting
from services.accounts.errors import Refused


def _term(row: VocabularyTerm) -> Term:
    return Term(row.kind, row.key, row.label_de, row.label_en, row.position, row.active)


def _rows(s: Session, kind: str) -> list[VocabularyTerm]:
    """The kind's terms in their order, locked: two coordinators adding at once queue up."""
    query = select(VocabularyTerm).where(VocabularyTerm.kind == kind)
    return list(s.scalars(query.order_by(VocabularyTerm.position, VocabularyTerm.key).with_for_update()))


def _one(s: Session, kind: str, key: str) -> VocabularyTerm:
    row = s.get(VocabularyTerm, (kind, key), with_for_update=True)
    if row is None:
        raise Refused("unknown_term")
    return row


def _labels(label_de: str, label_en: str) -> tuple[str, str]:
    return " ".join(label_de.split()), " ".join(label_en.split())


def add(factory: SessionFactory, who: Principal, kind: str, label_de: str, label_en: str) -> Term:
    """A new active term at the end of its list; its key is made from the German label."""
    if kind not in KINDS:
        raise Refused("unknown_kind", "kind")
    label_de, label_en = _labels(label_de, label_en)
    key = make_key(kind, label_de)
    problem = key_problem(kind, key)
    if problem:
        raise Refused(problem, "label_de")
    with transaction(factory) as s:
        actor = acting(s, who)
        rows = _rows(s, kind)
        if clash(Vocabulary(tuple(_term(r) for r in rows)), kind, key, label_de):
            raise Refused("term_taken", "label_de")
        position = (s.scalar(select(func.max(VocabularyTerm.position)).where(VocabularyTerm.kind == kind)) or 0) + 1
        row = VocabularyTerm(kind=kind, key=key, label_de=label_de, label_en=label_en, position=position, active=True)
        try:
            with s.begin_nested():
                s.add(row)
        except IntegrityError:  # the same key, added a moment ago by someone else
            raise Refused("term_taken", "label_de") from None
        values = {"kind": kind, "key": key, "label_de": label_de, "label_en": label_en}
        audit.record(s, actor, audit.TERM_ADDED, changes=audit.changed({}, values), subject=label_de)
        return _term(row)


def relabel(factory: SessionFactory, who: Principal, kind: str, key: str, label_de: str, label_en: str) -> bool:
    """New labels (the key stays); False when nothing changed."""
    label_de, label_en = _labels(label_de, label_en)
    with transaction(factory) as s:
        actor = acting(s, who)
        rows = _rows(s, kind)
        row = _one(s, kind, key)
        if clash(Vocabulary(tuple(_term(r) for r in rows)), kind, "", label_de, but=key):
            raise Refused("term_taken", "label_de")
        changes = audit.changed(
            {"label_de": row.label_de, "label_en": row.label_en}, {"label_de": label_de, "label_en": label_en}
        )
        if not changes:
            return False
        row.label_de, row.label_en = label_de, label_en
        audit.record(s, actor, audit.TERM_CHANGED, changes={"key": [key, key], **changes}, subject=label_de)
        return True


def move(factory: SessionFactory, who: Principal, kind: str, key: str, step: int) -> bool:
    """One place up (-1) or down (+1) in its list; False at the list's end."""
    with transaction(factory) as s:
        actor = acting(s, who)
        rows = _rows(s, kind)
        if key not in {r.key for r in rows}:
            raise Refused("unknown_term")
        order = moved(tuple(_term(r) for r in rows), key, step)
        if order == [r.key for r in rows]:
            return False
        by_key = {r.key: r for r in rows}
        before = by_key[key].position
        for position, each in enumerate(order):
            by_key[each].position = position
        row = by_key[key]
        changes: dict[str, list] = {"key": [key, key], "position": [before, row.position]}
        audit.record(s, actor, audit.TERM_MOVED, changes=changes, subject=row.label_de)
        return True


def set_active(factory: SessionFactory, who: Principal, kind: str, key: str, active: bool) -> bool:
    """Retire a term (no longer offered; what holds it keeps it) or bring it back; False when
    it already was. A term the code names (vocabulary.FIXED) is never retired."""
    with transaction(factory) as s:
        actor = acting(s, who)
        row = _one(s, kind, key)
        if row.active == active:
            return False
        if not active and _term(row).fixed:
            raise Refused("term_fixed")
        row.active = active
        action = audit.TERM_REACTIVATED if active else audit.TERM_RETIRED
        audit.record(
            s, actor, action, changes={"key": [key, key], "active": [not active, active]}, subject=row.label_de
        )
        return True


def one(factory: SessionFactory, kind: str, key: str) -> Term | None:
    with factory() as s:
        row = s.get(VocabularyTerm, (kind, key))
        return _term(row) if row else None
