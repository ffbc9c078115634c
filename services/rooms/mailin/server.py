"""`treffpunkt mailin`: the rooms' mail-in, a small LMTP server (or SMTP, for make run and tests)
with aiosmtpd. RCPT is taken only for bookable rooms' addresses; DATA is read, trusted, booked
and answered (receive.py) in a worker thread, so one slow database call does not stall the other
connections. Mails larger than MAILIN_MAX_BYTES are refused by aiosmtpd itself (552).

LMTP (RFC 2033) answers DATA once per recipient, so the relay knows which room took a mail; SMTP
answers once: a temporary failure for any room makes the relay send it again to all (the rooms
that took it then answer "known")."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from functools import partial
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session as SmtpSession
from flask import Flask
from sqlalchemy.exc import OperationalError

from shared.config import Settings, trusted_relays

from services.rooms.mailin import receive
from services.rooms.mailin.receive import World
from services.rooms.mailin.replies import reply
from services.rooms.request_context import context_of

log = logging.getLogger(__name__)
IDENT = "Treffpunkt mailin"
SUCCESS = ("taken", "known")


def world_of(app: Flask, dnsfunc: Any = None, relays: str | None = None) -> World:
    """The World of the rooms app `app` (its database, identity and settings); tests pass their
    own DNS lookup and relays."""
    settings: Settings = app.config["SETTINGS"]
    store = app.extensions["identity"]
    return World(
        factory=app.extensions["db"],
        ctx_of=lambda: context_of(app),
        people=store.principals_by_email,
        relays=trusted_relays(settings.mailin_trusted_relays if relays is None else relays),
        room_mail_domain=settings.room_mail_domain,
        dnsfunc=dnsfunc,
        scope=app.app_context,
    )


def _peer(session: SmtpSession) -> str:
    peer = session.peer
    return str(peer[0]) if isinstance(peer, (tuple, list)) else str(peer or "")


def one_reply(codes: Sequence[str]) -> str:
    """SMTP's single answer for several rooms."""
    if "unavailable" in codes:
        return "unavailable"
    if any(code in SUCCESS for code in codes):
        return "taken" if "taken" in codes else "known"
    return codes[0]


class Handler:
    """aiosmtpd's hooks; the blocking work runs in the loop's thread pool."""

    def __init__(self, world: World, lmtp: bool) -> None:
        self.world, self.lmtp = world, lmtp

    async def handle_RCPT(
        self, server: SMTP, session: SmtpSession, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if len(envelope.rcpt_tos) >= receive.MAX_ROOMS:
            return reply("too_many_rooms")
        try:
            code = await server.loop.run_in_executor(None, receive.check_recipient, self.world, address)
        except OperationalError:
            code = "unavailable"
        if code is not None:
            log.info("mailin refused a recipient from %s: %s", _peer(session), code)
            return reply(code)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        domain = self.world.room_mail_domain
        rooms = [receive.room_id_of(address, domain) or 0 for address in envelope.rcpt_tos]
        unique = list(dict.fromkeys(rooms))
        work = partial(receive.take, self.world, _peer(session), raw, unique)
        try:
            outcome = await server.loop.run_in_executor(None, work)
        except Exception:  # a bug must not end the server: the relay keeps the mail and retries
            log.exception("mailin failed on a mail for rooms %s", unique)
            outcome = {room: "unavailable" for room in unique}
        if self.lmtp:
            return "\r\n".join(reply(outcome[room]) for room in rooms)
        return reply(one_reply([outcome[room] for room in unique]))


class MailinController(Controller):
    """aiosmtpd's threaded controller, speaking LMTP or SMTP."""

    def __init__(self, handler: Handler, protocol: str, **kwargs: Any) -> None:
        self.protocol = protocol
        super().__init__(handler, **kwargs)

    def factory(self) -> SMTP:
        server_class = LMTP if self.protocol == "lmtp" else SMTP
        return server_class(self.handler, **self.SMTP_kwargs)


def controller(world: World, host: str, port: int, protocol: str, max_bytes: int) -> MailinController:
    """A server for `world` on host:port, not yet started (`.start()`, `.stop()`)."""
    return MailinController(
        Handler(world, lmtp=protocol == "lmtp"),
        protocol,
        hostname=host,
        port=port,
        server_hostname=world.room_mail_domain,
        ident=IDENT,
        data_size_limit=max_bytes,
        enable_SMTPUTF8=False,  # replies stay ASCII (replies.py)
    )


def serve(app: Flask) -> None:
    """Run the mail-in of the rooms app `app` until SIGTERM or SIGINT (`treffpunkt mailin`, which
    makes the app: the composition root)."""
    settings: Settings = app.config["SETTINGS"]
    server = controller(
        world_of(app),
        settings.mailin_host,
        settings.mailin_port,
        settings.mailin_protocol,
        settings.mailin_max_bytes,
    )
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    server.start()
    log.info(
        "mailin listening on %s:%s (%s) for raum-<id>@%s",
        settings.mailin_host,
        settings.mailin_port,
        settings.mailin_protocol,
        settings.room_mail_domain,
    )
    stopping.wait()
    server.stop()
    log.info("mailin stopped")
