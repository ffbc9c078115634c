"""A notify task that runs past its soft time limit is stopped and handled, never silently lost:
a real prefork worker (the pool that enforces Celery's limits, as in production), real Redis,
and a mail server that accepts the first connection and then says nothing, for longer than the
send timeout. The task is stopped at its soft limit (the worker's, not the sending process's), the
attempt is recorded, the retry goes out on a fresh connection, and the mail arrives exactly once."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace

import pytest

from shared.messaging import publish

from tests.support.notify import notice_payload
from tests.support.workers import Worker


class SilentFirstConnection:
    """A TCP front for the SMTP sink: the first connection is accepted and never answered (a
    provider that hangs); later ones are passed through to the sink."""

    def __init__(self, sink_port: int):
        self.sink_port, self.connections = sink_port, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            if self.connections == 1:
                self.held.append(client)  # silence: no greeting, ever
                continue
            upstream = socket.create_connection(("127.0.0.1", self.sink_port))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()

    def close(self) -> None:
        self.listener.close()
        for held in self.held:
            held.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        target.close()


@pytest.fixture
def silent_first(smtp_sink):
    front = SilentFirstConnection(smtp_sink.port)
    yield front
    front.close()


@pytest.fixture
def limited_worker(settings, notify_settings, silent_first, tmp_path):
    worker = Worker(
        "notify",
        settings,
        tmp_path,
        pool="prefork",
        notify=replace(notify_settings, smtp_port=silent_first.port),
        extra_env={
            "NOTIFY_TASK_SOFT_SECONDS": "2",
            "NOTIFY_TASK_HARD_SECONDS": "10",
            "NOTIFY_SEND_TIMEOUT": "600",  # without a time limit the first send would wait ten minutes
            "NOTIFY_RETRY_BASE_SECONDS": "0.2",
            "NOTIFY_RETRY_MAX_SECONDS": "1",
        },
    ).wait_ready()
    yield worker
    worker.stop()


def test_a_send_past_the_soft_limit_is_stopped_recorded_and_retried(
    notify_app, limited_worker, silent_first, smtp_sink, people, deliveries
):
    celery = notify_app.extensions["celery"]
    assert celery.tasks["notify.booking_notice"].soft_time_limit == 90  # the sender knows other limits...
    publish(celery, "notify.booking_notice", notice_payload(account_id=people["lena"]["id"], phone=""), "notify")
    # ...but the worker's own (2 s) decide
    deadline = time.monotonic() + 60  # far below the 600 s the unlimited send would hang
    while time.monotonic() < deadline and not (deliveries() and deliveries()[0]["status"] == "sent"):
        time.sleep(0.2)
    rows = deliveries()
    assert rows and rows[0]["status"] == "sent", (rows, limited_worker.log())
    assert rows[0]["attempts"] == 2  # the stopped one counted, the retry sent it
    assert len(smtp_sink.messages) == 1 and silent_first.connections == 2
    log = limited_worker.log()
    assert "Soft time limit (2.0s) exceeded for notify.booking_notice" in log
    assert "ran out of time; retrying" in log
