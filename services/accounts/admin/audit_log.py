"""Reading the audit log: newest first, a page at a time, for one account or one partner."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from shared.db import SessionFactory, as_utc
from shared.identity.models import AuditEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor_name: str
    action: str
    account_id: int | None
    partner_id: int | None
    subject: str
    changes: dict[str, list[Any]]


@dataclass(frozen=True)
class AuditPage:
    entries: list[Entry]
    number: int
    more: bool


def page(
    factory: SessionFactory, number: int = 1, account_id: int | None = None, partner_id: int | None = None
) -> AuditPage:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if account_id is not None:
        query = query.where(AuditEntry.account_id == account_id)
    if partner_id is not None:
        query = query.where(AuditEntry.partner_id == partner_id)
    with factory() as s:
        rows = s.scalars(query.limit(PAGE_SIZE + 1).offset((number - 1) * PAGE_SIZE)).all()
        entries = [
            Entry(
                r.id, as_utc(r.at), r.actor_name, r.action, r.account_id, r.partner_id, r.subject, json.loads(r.changes)
            )
            for r in rows[:PAGE_SIZE]
        ]
    return AuditPage(entries, number, len(rows) > PAGE_SIZE)
