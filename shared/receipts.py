"""Receipts: a receiver tells a message's sender that the message is recorded (shared/outbox.py
explains why). They are gathered per worker process and sent as one `<sender>.outbox_receipt`
per sender for up to MOST message ids or WINDOW seconds, instead of one task per message: the
sender then runs one UPDATE for many rows.

A receipt carries the request id of the messages it answers when they share one (one booking's
messages: the sender's log shows its receipt under that booking's id), else a fresh one.

A receipt is advice, not a promise: one lost with its process (a SIGKILL inside the window)
costs one more copy of the message after OUTBOX_REDELIVER_SECONDS, which the receiver's inbox
absorbs and answers with a new receipt."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping

from celery import Celery
from celery.signals import worker_process_shutdown, worker_shutdown

from shared import contracts, logs
from shared.messaging import request_id_header

log = logging.getLogger(__name__)
WINDOW = 0.2  # seconds a receipt may wait for company
MOST = 200  # message ids in one receipt (the contract allows 1,000)


class ReceiptBatch:
    """The receipts one process owes, for one Celery app."""

    _pid: int
    _pending: dict[str, list[tuple[str, str | None]]]  # sender -> (message id, request id)
    _timer: threading.Timer | None

    def __init__(self, celery: Celery):
        self._celery = celery
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid, self._pending, self._timer = os.getpid(), {}, None

    def add(self, sender: str, message_id: str) -> None:
        with self._lock:
            if self._pid != os.getpid():  # a forked pool child: the parent's pending are the parent's
                self._reset()
            self._pending.setdefault(sender, []).append((message_id, logs.request_id.get()))
            full = sum(map(len, self._pending.values())) >= MOST
            if not full and self._timer is None:
                self._timer = threading.Timer(WINDOW, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        for sender, answered in pending.items():
            self._send(sender, answered)

    def _send(self, sender: str, answered: list[tuple[str, str | None]]) -> None:
        ids = [message_id for message_id, _ in answered]
        request_ids = {request_id for _, request_id in answered}
        # explicit either way: a full batch is sent from inside the task that filled it
        request_id = request_ids.pop() if len(request_ids) == 1 else None
        headers = request_id_header(request_id or logs.new_request_id())
        try:
            receipt = contracts.build(f"{sender}.outbox_receipt", message_ids=ids)
            self._celery.send_task(
                f"{sender}.outbox_receipt", kwargs=receipt, queue=sender, retry=False, headers=headers
            )
        except Exception as exc:  # noqa: BLE001 - the sender publishes again and we answer again
            log.warning("receipt for %d message(s) of %s not sent: %s", len(ids), sender, exc)


_batches: dict[Celery, ReceiptBatch] = {}  # apps live as long as their process
_batches_lock = threading.Lock()


def send_receipt(celery: Celery, payload: Mapping[str, object]) -> None:
    """Receiver side, once the message is recorded (or known, or refused for good): tell its
    sender, soon, to stop re-sending it. Never raises."""
    sender = payload.get("sender") if isinstance(payload, dict) else None
    if not isinstance(sender, str) or sender not in contracts.QUEUES or not payload.get("message_id"):
        return
    with _batches_lock:
        batch = _batches.get(celery)
        if batch is None:
            batch = _batches[celery] = ReceiptBatch(celery)
    batch.add(sender, str(payload["message_id"]))


def flush_all(**_signal: object) -> None:
    """Send what is pending now (a worker or pool process shutting down cleanly)."""
    for batch in list(_batches.values()):
        batch.flush()


worker_process_shutdown.connect(flush_all, weak=False)
worker_shutdown.connect(flush_all, weak=False)
