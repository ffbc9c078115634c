"""The benchmark's SMTP server: a real aiosmtpd server in the benchmark process that answers
451 to a share of the attempts at random and notes when each mail arrived.

It reads only the Message-ID header (notify makes it `<message_id.email@domain>`, the same on
every retry), so that the sink costs the benchmark as little as possible."""

from __future__ import annotations

import random
import re
import socket
import threading
import time
from collections import defaultdict

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*<([0-9a-f-]{36})\.email@", re.IGNORECASE | re.MULTILINE)


class FlakySink:
    """Accepts mails; answers `451` to `fail_rate` of the attempts (seeded, so runs compare)."""

    def __init__(self, fail_rate: float, seed: int = 5):
        self.fail_rate = fail_rate
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.arrivals: dict[str, list[float]] = defaultdict(list)  # message_id -> arrival times
        self.attempts = self.refused = self.unparsed = 0
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.lock:
            self.attempts += 1
            if self.random.random() < self.fail_rate:
                self.refused += 1
                return "451 4.3.0 Please try again later"
            match = MESSAGE_ID.search(envelope.content.split(b"\r\n\r\n", 1)[0])
            if match is None:
                self.unparsed += 1
            else:
                self.arrivals[match.group(1).decode()].append(now)
        return "250 Message accepted"

    def arrived(self) -> int:
        """Distinct messages that arrived so far."""
        with self.lock:
            return len(self.arrivals)

    def snapshot(self) -> dict[str, list[float]]:
        with self.lock:
            return {k: list(v) for k, v in self.arrivals.items()}

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
