"""After the server's 250 for DATA the mail is delivered. QUIT is said only when a kept
connection is retired (after MAILS_PER_CONNECTION mails), and the sender does not wait for its
reply: a server that misbehaves on QUIT does not hold up or turn a sent mail into a retry."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from services.notify.channels.email import MAILS_PER_CONNECTION, SmtpSender
from services.notify.channels.outgoing import Outgoing

from tests.support.smtp import SinkHandler, _free_port

MAIL = Outgoing(
    delivery_id=1,
    channel="email",
    recipient="lena@example.org",
    subject="Test",
    body="From: a@b.de\r\nTo: lena@example.org\r\nSubject: Test\r\n\r\nHallo\r\n",
)


class GoodbyeServer(SMTP):
    """QUIT is answered only when the test says so ("hold"), or the connection is dropped."""

    mode = "hold"
    quit_seen = threading.Event()
    release = threading.Event()

    async def smtp_QUIT(self, arg):
        type(self).quit_seen.set()
        if self.mode == "drop":
            self.transport.close()
            return
        await asyncio.get_running_loop().run_in_executor(None, type(self).release.wait, 60)
        await super().smtp_QUIT(arg)


class GoodbyeController(Controller):
    def factory(self):
        return GoodbyeServer(self.handler)


@pytest.fixture
def goodbye_sink():
    GoodbyeServer.quit_seen, GoodbyeServer.release = threading.Event(), threading.Event()
    handler = SinkHandler()
    controller = GoodbyeController(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    GoodbyeServer.release.set()
    controller.stop()


@pytest.mark.parametrize("mode", ["hold", "drop"])
def test_a_250_is_success_whatever_happens_at_quit(notify_settings, goodbye_sink, monkeypatch, mode):
    monkeypatch.setattr(GoodbyeServer, "mode", mode)
    sender = SmtpSender(
        replace(notify_settings, smtp_port=goodbye_sink.port, smtp_security="none", smtp_user=""), timeout=120
    )
    outcome = []

    def send_until_retired():
        for _ in range(MAILS_PER_CONNECTION):  # the last one retires the connection: QUIT
            outcome.append(sender.send(MAIL) or "sent")

    worker = threading.Thread(target=send_until_retired, daemon=True)
    worker.start()
    worker.join(30)  # far below the 120 s timeout: the send did not wait for the QUIT reply
    assert not worker.is_alive() and outcome == ["sent"] * MAILS_PER_CONNECTION
    assert GoodbyeServer.quit_seen.wait(10)
    assert len(goodbye_sink.handler.messages) == MAILS_PER_CONNECTION
