"""What the office's data protection pages show: the accounts, and each account's export and
erase requests (the record of who asked for what, when, and what came of it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from shared.db import SessionFactory, as_utc
from shared.identity.models import Account, DataPart, DataRequest


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    name: str
    partner: str
    role: str
    active: bool


@dataclass(frozen=True)
class Record:
    id: int
    kind: str
    asked_by: str  # the asker's name now ("" when unknown)
    asked_at: datetime
    waiting: list[str]
    missing: list[str]
    done_at: datetime | None
    deleted: bool
    counts: dict[str, dict[str, int]]  # an erasure: what each service changed


def _person(a: Account) -> Person:
    return Person(a.id, a.username, a.display_name, a.partner.name if a.partner else "", a.role, a.active)


def people(factory: SessionFactory) -> list[Person]:
    with factory() as s:
        return [
            _person(a)
            for a in s.scalars(
                select(Account).options(joinedload(Account.partner)).order_by(Account.display_name, Account.id)
            )
        ]


def person(factory: SessionFactory, account_id: int) -> Person | None:
    with factory() as s:
        account = s.get(Account, account_id)
        return _person(account) if account else None


def records_of(factory: SessionFactory, account_id: int) -> list[Record]:
    with factory() as s:
        requests = s.scalars(
            select(DataRequest).where(DataRequest.account_id == account_id).order_by(DataRequest.id.desc())
        ).all()
        askers = {
            a.id: a.display_name
            for a in s.scalars(select(Account).where(Account.id.in_({r.asked_by for r in requests if r.asked_by})))
        }
        erased = [r.id for r in requests if r.kind == "erase"]
        counts: dict[int, dict[str, dict[str, int]]] = {}
        for part in s.scalars(select(DataPart).where(DataPart.request_id.in_(erased))):
            counts.setdefault(part.request_id, {})[part.service] = json.loads(part.content).get("counts", {})
        return [
            Record(
                id=r.id,
                kind=r.kind,
                asked_by=askers.get(r.asked_by or 0, ""),
                asked_at=as_utc(r.asked_at),
                waiting=r.waiting_for,
                missing=[m for m in r.missing.split(",") if m],
                done_at=as_utc(r.done_at) if r.done_at else None,
                deleted=r.deleted_at is not None,
                counts=counts.get(r.id, {}),
            )
            for r in requests
        ]
