"""The other services' answers to export and erase requests, and the beat's two duties: an
export still waiting after the wait is finished without the missing parts, and an export past
its 7 days is deleted (its record stays).

A part is taken once: a copy of its message, or a part that comes after the export was
finished without it, changes nothing. The last part (or the wait's end) finishes the export in
the same transaction and queues the mail "Ihre Daten sind bereit" to the person."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.db import SessionFactory, transaction
from shared.identity.models import Account, AccountsOutbox, DataPart, DataRequest

from services.accounts import mail
from services.accounts.domain.privacy import EXPORT_KEPT

BATCH = 200  # requests one beat run finishes or deletes; the next run takes the rest


def export_path(request_id: int) -> str:
    return f"/account/privacy/exports/{request_id}"


def take(s: Session, request_id: int, service: str, content: dict[str, Any], public_url: str, now: datetime) -> bool:
    """Record one service's part or confirmation; False when it is not awaited (any more)."""
    request = s.get(DataRequest, request_id, with_for_update=True)
    if request is None or service not in request.waiting_for:
        return False
    if request.deleted_at is None:
        s.add(DataPart(request_id=request_id, service=service, content=json.dumps(content), received_at=now))
    request.waiting = ",".join(w for w in request.waiting_for if w != service)
    if not request.waiting and request.done_at is None:
        _finish(s, request, public_url, now)
    return True


def _finish(s: Session, request: DataRequest, public_url: str, now: datetime) -> None:
    request.done_at = now
    if request.kind != "export" or request.deleted_at is not None:
        return
    request.expires_at = now + EXPORT_KEPT
    account = s.get(Account, request.account_id)
    if account is not None and account.active and account.email:
        link = f"{public_url.rstrip('/')}{export_path(request.id)}"
        mail.queue(s, account, "export", link, request.expires_at)


def finish_overdue(factory: SessionFactory, wait: timedelta, public_url: str, now: datetime | None = None) -> int:
    """Exports asked for more than `wait` ago and still waiting: ready without the missing parts."""
    now = now or utcnow()
    with transaction(factory) as s:
        overdue = s.scalars(
            select(DataRequest)
            .where(DataRequest.kind == "export", DataRequest.done_at.is_(None), DataRequest.asked_at < now - wait)
            .order_by(DataRequest.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for request in overdue:
            request.missing, request.waiting = request.waiting, ""
            _finish(s, request, public_url, now)
    return len(overdue)


def forget_erase_messages(factory: SessionFactory) -> int:
    """Erase messages carry the person's former address and number (shared.contracts
    AccountRequestV1.traces): once their receiver has confirmed them they go at once, not after
    the outbox's usual week."""
    with transaction(factory) as s:
        done = s.execute(
            delete(AccountsOutbox).where(
                AccountsOutbox.task_name.like("%.erase_account"), AccountsOutbox.confirmed_at.is_not(None)
            )
        )
    return int(getattr(done, "rowcount", 0))


def delete_expired(factory: SessionFactory, now: datetime | None = None) -> int:
    """Delete the parts of exports past their days; the requests stay as the record."""
    now = now or utcnow()
    with transaction(factory) as s:
        expired = s.scalars(
            select(DataRequest)
            .where(DataRequest.kind == "export", DataRequest.deleted_at.is_(None), DataRequest.expires_at <= now)
            .order_by(DataRequest.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        if expired:
            s.execute(delete(DataPart).where(DataPart.request_id.in_([r.id for r in expired])))
        for request in expired:
            request.deleted_at = now
    return len(expired)
