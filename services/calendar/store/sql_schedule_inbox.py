"""The accounts' schedule inboxes (RFC 6638 §2.2): the iTIP messages delivered to them (a room's
REPLY), which their CalDAV client reads and deletes. Bounded: a client that never deletes
keeps the newest LIMIT."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.calendar.domain.ical import etag_of
from services.calendar.store.models import ScheduleInboxMessage
from services.calendar.store.records import ObjectInfo

LIMIT = 200  # messages per account


class ScheduleInbox:
    def __init__(self, session: Session):
        self.session = session

    def deliver(self, account_id: int, data: bytes) -> str:
        """Add a message; the oldest beyond LIMIT go. Returns its name."""
        name = f"{uuid.uuid4()}.ics"
        self.session.add(
            ScheduleInboxMessage(account_id=account_id, name=name, ics=data.decode("utf-8"), etag=etag_of(data))
        )
        self.session.flush()
        kept = (
            select(ScheduleInboxMessage.id)
            .where(ScheduleInboxMessage.account_id == account_id)
            .order_by(ScheduleInboxMessage.id.desc())
            .limit(LIMIT)
        )
        self.session.execute(
            delete(ScheduleInboxMessage).where(
                ScheduleInboxMessage.account_id == account_id, ScheduleInboxMessage.id.not_in(kept.scalar_subquery())
            )
        )
        return name

    def messages(self, account_id: int, names: list[str] | None = None) -> list[ObjectInfo]:
        query = select(ScheduleInboxMessage).where(ScheduleInboxMessage.account_id == account_id)
        if names is not None:
            query = query.where(ScheduleInboxMessage.name.in_(names))
        return [_info(m) for m in self.session.scalars(query.order_by(ScheduleInboxMessage.id).limit(LIMIT))]

    def get(self, account_id: int, name: str) -> ObjectInfo | None:
        found = self.messages(account_id, [name])
        return found[0] if found else None

    def delete(self, account_id: int, name: str) -> bool:
        result = self.session.execute(
            delete(ScheduleInboxMessage).where(
                ScheduleInboxMessage.account_id == account_id, ScheduleInboxMessage.name == name
            )
        )
        return bool(getattr(result, "rowcount", 0))


def _info(message: ScheduleInboxMessage) -> ObjectInfo:
    data = message.ics.encode("utf-8")
    return ObjectInfo(
        name=message.name,
        uid=message.name,
        etag=message.etag,
        revision=0,
        public=False,
        categories=(),
        audience=(),
        first_start=None,
        last_end=None,
        data=data,
        size=len(data),
    )
