"""The receiving side of an account's export and erase requests (shared.contracts
AccountRequestV1), the same in rooms, notify and calendar: validate; then in ONE transaction
record the message in the inbox, do the service's work and queue its answer to accounts in the
outbox; then the receipt. A copy of the message finds the inbox record and changes nothing; the
answer is never lost (the outbox publishes it until accounts confirms it).

A service registers the two tasks with `register(...)`, giving `gather(session, account_id) ->
Gathered` for exports and `erase(session, account_id, traces) -> {kind: rows}` for erasure;
Gathered.add bounds each section. accounts takes the answers with shared.consumer as well."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from celery import Celery
from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from shared import contracts, outbox
from shared.consumer import Work, consume
from shared.messaging import consumer_retry

log = logging.getLogger(__name__)


@dataclass
class Gathered:
    """One service's part of an export: sections of rows, and which sections were cut."""

    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cut: list[str] = field(default_factory=list)

    def add(self, name: str, rows: Iterable[Mapping[str, Any]], limit: int = contracts.EXPORT_ROWS) -> None:
        """Rows (already at most limit + 1 of them, from a query with LIMIT limit + 1)."""
        taken = [dict(r) for r in rows]
        if len(taken) > limit:
            self.cut.append(name)
        self.sections[name] = contracts.jsonable(taken[:limit])


Gather = Callable[[Session, int], Gathered]
Erase = Callable[[Session, int, list[str]], dict[str, int]]


def register(
    celery: Celery,
    service: str,
    inbox: type[outbox.InboxMixin],
    sender: type[outbox.OutboxMixin],
    gather: Gather,
    erase: Erase,
) -> None:
    """The service's `<service>.export_account` and `<service>.erase_account` tasks."""

    def export_part(session: Session, message: dict[str, Any]) -> None:
        part = gather(session, message["account_id"])
        outbox.add(
            session,
            sender,
            "accounts.export_part",
            request_id=message["request_id"],
            service=service,
            sections=part.sections,
            cut=part.cut,
        )

    def erased(session: Session, message: dict[str, Any]) -> None:
        counts = erase(session, message["account_id"], message["traces"])
        counts["sent_messages"] = forget_sent(session, sender, message["traces"])
        outbox.add(
            session, sender, "accounts.account_erased", request_id=message["request_id"], service=service, counts=counts
        )

    for verb, work in (("export", export_part), ("erase", erased)):
        task_name = f"{service}.{verb}_account"
        celery.task(shared=False, name=task_name, **consumer_retry())(_task(task_name, inbox, work))


def _task(task_name: str, inbox: type[outbox.InboxMixin], work: Work) -> Callable[..., str]:
    def run(**payload: Any) -> str:
        return consume(task_name, inbox, payload, work)

    return run


def forget_sent(session: Session, sender: type[outbox.OutboxMixin], traces: list[str]) -> int:
    """Delete this service's delivered messages that name the person (kept a week for looking
    into, shared.outbox.OUTBOX_KEPT), and every delivered export part (they hold a person's
    data, and only the export kept by accounts is for reading); those still under way stay,
    their receiver needs them."""
    naming = or_(
        sender.task_name == "accounts.export_part",
        *(sender.payload.contains(trace, autoescape=True) for trace in traces),
    )
    return outbox._rowcount(session.execute(delete(sender).where(sender.confirmed_at.is_not(None), naming)))
