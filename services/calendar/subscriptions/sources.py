"""Setting sources up: add one (with its own read-only calendar), change it, pull it now,
delete it (its calendar goes with it). Called by the sources pages inside their unit of work;
who may do it is asked of domain.access before."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from services.calendar.domain.source_draft import SourceDraft
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_sources import SourceInfo, Sources
from services.calendar.subscriptions.sealing import Sealer


def calendar_slug(session: Session, partner_id: int) -> str:
    """A new calendar address for a source's calendar: never one in use."""
    store = SqlStore(session)
    while True:
        slug = f"quelle-{partner_id}-{secrets.token_hex(4)}"
        if store.calendar(slug) is None:
            return slug


def add(
    session: Session,
    partner_id: int,
    draft: SourceDraft,
    password: str,
    sealer: Sealer,
    account_id: int | None,
    now: datetime,
) -> SourceInfo:
    sealed = sealer.seal(password) if draft.kind == "caldav" else ""
    return Sources(session).create(partner_id, calendar_slug(session, partner_id), draft, sealed, account_id, now)


def change(
    session: Session,
    source: SourceInfo,
    draft: SourceDraft,
    new_password: str,
    sealer: Sealer,
    account_id: int | None,
    now: datetime,
) -> None:
    """An empty `new_password` keeps the stored one (it is never shown); an ICS source keeps none."""
    sealed: str | None = None
    if draft.kind != "caldav":
        sealed = "" if source.has_password else None
    elif new_password:
        sealed = sealer.seal(new_password)
    Sources(session).update(source.id, draft, sealed, account_id, now)


def pull_now(session: Session, source_id: int, now: datetime) -> None:
    Sources(session).pull_now(source_id, now)


def remove(session: Session, source_id: int) -> None:
    Sources(session).delete(source_id)
