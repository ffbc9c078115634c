"""One SMTP connection carries many mails (connect, EHLO, STARTTLS and login once per worker
process), and keeping it never costs a mail or sends one twice: a refusal resets it, a
connection the server dropped meanwhile is replaced before anything of the mail went out."""

from __future__ import annotations

from aiosmtpd.controller import Controller

from services.notify.channels.email import SmtpSender
from services.notify.channels.outgoing import Outgoing

from tests.support.smtp import SinkHandler, SmtpSink


def mail(n: int) -> Outgoing:
    return Outgoing(
        delivery_id=n,
        channel="email",
        recipient="lena@example.org",
        subject=f"Mail {n}",
        body=f"From: a@b.de\r\nTo: lena@example.org\r\nSubject: Mail {n}\r\n\r\nHallo {n}\r\n",
    )


class PeerHandler(SinkHandler):
    """Notes the client's address of every accepted mail: one address, one connection."""

    def __init__(self):
        super().__init__()
        self.peers = []

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250"):
            self.peers.append(session.peer)
        return reply


def peer_sink(port: int = 0) -> SmtpSink:
    sink = SmtpSink(port)
    sink.handler = PeerHandler()
    sink.controller = Controller(sink.handler, hostname="127.0.0.1", port=sink.port)
    return sink


def test_mails_share_one_connection_and_a_refusal_does_not_end_it(notify_settings):
    from dataclasses import replace

    with peer_sink() as sink:
        sender = SmtpSender(replace(notify_settings, smtp_port=sink.port))
        sender.send(mail(1))
        sink.fail("451 4.3.0 try later", 1)
        try:
            sender.send(mail(2))
        except Exception as exc:  # the 451, classified transient
            assert "451" in str(exc)
        sender.send(mail(2))
        sender.send(mail(3))
    assert [str(m["Subject"]) for m in sink.messages] == ["Mail 1", "Mail 2", "Mail 3"]
    assert len(set(sink.handler.peers)) == 1


def test_a_kept_connection_the_server_dropped_is_replaced_and_the_mail_goes_out_once(notify_settings):
    from dataclasses import replace

    first = peer_sink().__enter__()
    port = first.port
    sender = SmtpSender(replace(notify_settings, smtp_port=port))
    sender.send(mail(1))
    first.__exit__(None, None, None)  # the server goes away with our connection
    with peer_sink(port) as second:  # and is back on the same address
        sender.send(mail(2))
        sender.send(mail(3))
    assert [str(m["Subject"]) for m in first.messages] == ["Mail 1"]
    assert [str(m["Subject"]) for m in second.messages] == ["Mail 2", "Mail 3"]
    assert len(set(second.handler.peers)) == 1
