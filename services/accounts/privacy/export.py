"""Exporting an account's data: identity's own part is gathered at once, the other services
are asked by message (`<service>.export_account`) and answer with their parts (answers.py).
When all are in, or after the wait (ACCOUNTS_EXPORT_WAIT_SECONDS) without the missing ones,
the export is ready for 7 days — to the account itself and the office — then deleted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from shared import outbox
from shared.clock import utcnow
from shared.contracts import ACCOUNT_DATA_SERVICES
from shared.db import SessionFactory, as_utc, transaction
from shared.identity import audit
from shared.identity.models import Account, AccountsOutbox, DataPart, DataRequest

from services.accounts.domain.permissions import Actor
from services.accounts.domain.privacy import can_export
from services.accounts.errors import Refused
from services.accounts.privacy import own_part

OWN = "accounts"  # identity's own part, gathered by this service


def ask(factory: SessionFactory, actor: Actor | None, account_id: int) -> int:
    """The export's request id: a new one, or the one of this account still being gathered (a
    second click asks nobody twice)."""
    if actor is None or not can_export(actor, account_id):
        raise Refused("not_allowed")
    with transaction(factory) as s:
        account = s.get(Account, account_id)
        if account is None or erased(s, account_id):
            raise Refused("unknown_account")
        running = s.scalar(
            select(DataRequest.id).where(
                DataRequest.account_id == account_id, DataRequest.kind == "export", DataRequest.done_at.is_(None)
            )
        )
        if running is not None:
            return running
        audit.record(s, audit.acting(s, actor.account_id), audit.DATA_EXPORT_ASKED, account=account)
        request = DataRequest(
            kind="export", account_id=account_id, asked_by=actor.account_id, waiting=",".join(ACCOUNT_DATA_SERVICES)
        )
        s.add(request)
        s.flush()
        mine = own_part.gather(s, account)
        s.add(
            DataPart(
                request_id=request.id, service=OWN, content=json.dumps({"sections": mine.sections, "cut": mine.cut})
            )
        )
        for service in ACCOUNT_DATA_SERVICES:
            outbox.add(s, AccountsOutbox, f"{service}.export_account", request_id=request.id, account_id=account_id)
        return request.id


def erased(s, account_id: int) -> bool:
    return (
        s.scalar(
            select(DataRequest.id).where(DataRequest.account_id == account_id, DataRequest.kind == "erase").limit(1)
        )
        is not None
    )


@dataclass(frozen=True)
class Export:
    """An export as its pages show it; `document` is the whole JSON (None while gathering and
    once deleted)."""

    id: int
    account_id: int
    asked_at: datetime
    waiting: list[str]
    missing: list[str]
    done_at: datetime | None
    expires_at: datetime | None
    deleted: bool
    document: dict[str, Any] | None

    @property
    def ready(self) -> bool:
        return self.document is not None


def read(factory: SessionFactory, request_id: int, now: datetime | None = None) -> Export | None:
    now = now or utcnow()
    with factory() as s:
        request = s.get(DataRequest, request_id)
        if request is None or request.kind != "export":
            return None
        expires = as_utc(request.expires_at) if request.expires_at else None
        gone = request.deleted_at is not None or (expires is not None and expires <= now)
        document = None
        if request.done_at is not None and not gone:
            parts = s.scalars(select(DataPart).where(DataPart.request_id == request_id).order_by(DataPart.service))
            document = {
                "account_id": request.account_id,
                "asked_at": as_utc(request.asked_at).isoformat(),
                "ready_at": as_utc(request.done_at).isoformat(),
                "expires_at": expires.isoformat() if expires else None,
                "missing": [m for m in request.missing.split(",") if m],
                "parts": {p.service: json.loads(p.content) for p in parts},
            }
        return Export(
            id=request.id,
            account_id=request.account_id,
            asked_at=as_utc(request.asked_at),
            waiting=request.waiting_for,
            missing=[m for m in request.missing.split(",") if m],
            done_at=as_utc(request.done_at) if request.done_at else None,
            expires_at=expires,
            deleted=gone,
            document=document,
        )
