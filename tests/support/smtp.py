"""A local SMTP sink (aiosmtpd): a real SMTP conversation, messages kept for assertions.

`fail_with` lets a test make the server answer an error (e.g. "451 ...") for the next N mails."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class SinkHandler:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.fail_with: str | None = None
        self.fail_times = 0
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            if self.fail_times > 0 and self.fail_with:
                self.fail_times -= 1
                return self.fail_with
            self.messages.append(
                email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted"


class SmtpSink:
    def __init__(self, port: int = 0):
        self.handler = SinkHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port or _free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def fail(self, reply: str, times: int) -> None:
        self.handler.fail_with, self.handler.fail_times = reply, times

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
