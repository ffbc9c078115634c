"""Email over SMTP (smtplib): plain, STARTTLS or implicit TLS, login when a user is set.

SMTP says itself what kind of failure it is: 4xx replies are temporary, 5xx permanent. A server
that cannot be reached or does not answer in time is temporary too. The 250 after DATA is success:
nothing after it can turn into a retry.

One connection per thread (a worker process sends one mail at a time) is kept open and used for
the next mail, so connecting, EHLO, STARTTLS and login happen once, not per mail. It is replaced
after MAILS_PER_CONNECTION mails or IDLE_SECONDS without use, after any error that leaves its
state unknown, and when it turns out dead at MAIL FROM — nothing of the mail has been sent then,
so the mail goes out on a fresh connection at once."""

from __future__ import annotations

import atexit
import os
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import parseaddr

from services.notify.channels.outgoing import Outgoing
from services.notify.domain.errors import PermanentFailure, TransientFailure
from services.notify.settings import NotifySettings

MAILS_PER_CONNECTION = 100  # providers cap mails per connection; say goodbye well before
IDLE_SECONDS = 30.0  # servers and NAT drop idle connections after minutes; reconnect before that


def _by_code(code: int, text: str) -> Exception:
    return TransientFailure(text) if 400 <= code < 500 else PermanentFailure(text)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    message = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"SMTP {exc.smtp_code} {message}".strip()


@dataclass(eq=False)
class _Line:
    """An open connection, kept for the next mail."""

    key: tuple
    client: smtplib.SMTP
    pid: int = field(default_factory=os.getpid)
    mails: int = 0
    used_at: float = field(default_factory=time.monotonic)

    def usable_for(self, key: tuple) -> bool:
        return (
            self.key == key
            and self.pid == os.getpid()
            and self.mails < MAILS_PER_CONNECTION
            and time.monotonic() - self.used_at < IDLE_SECONDS
        )


class _DeadBeforeMail(smtplib.SMTPServerDisconnected):
    """The connection failed at MAIL FROM: the server has nothing of this mail."""


_kept = threading.local()  # .line: this thread's connection
_lines: set[_Line] = set()  # every open one of this process, for the goodbye at exit
_lines_lock = threading.Lock()


class SmtpSender:
    def __init__(self, settings: NotifySettings, timeout: float = 20.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def _key(self) -> tuple:
        s = self.settings
        return (s.smtp_host, s.smtp_port, s.smtp_security, s.smtp_user, s.smtp_password, self.timeout)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        client: smtplib.SMTP
        if s.smtp_security == "tls":
            client = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
        try:
            if s.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                client.login(s.smtp_user, s.smtp_password)
            client.ehlo_or_helo_if_needed()
        except BaseException:
            client.close()
            raise
        return client

    def _line(self) -> tuple[_Line, bool]:
        """This thread's connection for these settings (True: kept from an earlier mail), or a new one."""
        key, kept = self._key(), getattr(_kept, "line", None)
        if kept is not None and kept.usable_for(key):
            return kept, True
        if kept is not None:
            _retire(kept)
        line = _Line(key, self._connect())
        _kept.line = line
        with _lines_lock:
            _lines.add(line)
        return line, False

    def send(self, outgoing: Outgoing) -> None:
        try:
            self._send(outgoing)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _by_code(code, f"SMTP {code} {reply.decode('utf-8', 'replace')}") from None
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, auth failed, ...
            raise _by_code(exc.smtp_code, _reply(exc)) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentFailure(f"SMTP-Server kann das nicht: {exc}") from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionError, OSError) as exc:
            raise TransientFailure(f"SMTP-Server nicht erreichbar: {type(exc).__name__}: {exc}") from None
        except smtplib.SMTPException as exc:
            raise TransientFailure(f"SMTP: {type(exc).__name__}: {exc}") from None

    def _send(self, outgoing: Outgoing) -> None:
        sender = parseaddr(self.settings.mail_from)[1]
        line, kept = self._line()
        try:
            _deliver(line, sender, outgoing)
        except _DeadBeforeMail:
            if not kept:
                raise
            _deliver(self._line()[0], sender, outgoing)  # the kept one had died meanwhile: a fresh one


def _deliver(line: _Line, sender: str, outgoing: Outgoing) -> None:
    """One mail on `line`; the connection is given up unless it is known to be fit afterwards."""
    try:
        _mail(line.client, sender, outgoing)
    except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
        if line.client.sock is None:  # the refusal closed it (421, or RSET failed)
            _forget(line)
        raise
    except BaseException:
        _forget(line)  # dead, or in a state we do not know: never used again
        raise
    line.mails += 1
    line.used_at = time.monotonic()
    if line.mails >= MAILS_PER_CONNECTION:
        _retire(line)


def _mail(client: smtplib.SMTP, sender: str, outgoing: Outgoing) -> None:
    """MAIL, RCPT, DATA as smtplib.sendmail does them, in steps, so that a connection found dead
    at MAIL FROM is told apart from one that failed later. A refusal resets the transaction
    (RSET) so the connection can carry the next mail."""
    try:
        code, reply = client.mail(sender)
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise _DeadBeforeMail(f"{type(exc).__name__}: {exc}") from None
    if code == 421:  # the server is closing this connection
        client.close()
        raise _DeadBeforeMail(f"SMTP 421 {reply.decode('utf-8', 'replace')}")
    if code != 250:
        _reset(client, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = client.rcpt(outgoing.recipient)
    if code not in (250, 251):
        _reset(client, code)
        raise smtplib.SMTPRecipientsRefused({outgoing.recipient: (code, reply)})
    code, reply = client.data(outgoing.body.encode("utf-8"))
    if code != 250:
        _reset(client, code)
        raise smtplib.SMTPDataError(code, reply)


def _reset(client: smtplib.SMTP, code: int) -> None:
    if code == 421:
        client.close()
        return
    try:
        client.rset()
    except (smtplib.SMTPException, OSError):
        client.close()


def _forget(line: _Line) -> None:
    if getattr(_kept, "line", None) is line:
        _kept.line = None
    with _lines_lock:
        _lines.discard(line)
    line.client.close()


def _retire(line: _Line) -> None:
    """Done with a healthy connection: QUIT, not waiting for the reply."""
    _goodbye(line.client)
    _forget(line)


def _goodbye(client: smtplib.SMTP) -> None:
    """Say QUIT but do not wait for its 221: nothing the server says now matters."""
    try:
        client.send("QUIT\r\n")
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        client.close()


@atexit.register
def _goodbye_all() -> None:
    with _lines_lock:
        lines = [line for line in _lines if line.pid == os.getpid()]
        _lines.clear()
    for line in lines:
        _goodbye(line.client)
