"""Email over SMTP (smtplib): plain, STARTTLS or implicit TLS, login when a user is set.

SMTP says itself what kind of failure it is: 4xx replies are temporary, 5xx permanent. A server
that cannot be reached or does not answer in time is temporary too. The 250 after DATA is success:
what happens after it (QUIT) is never waited for and never turns into a retry."""
from __future__ import annotations

import smtplib
import socket
import ssl
from email.utils import parseaddr

from services.notify.channels import Outgoing
from services.notify.domain.errors import PermanentFailure, TransientFailure


def _by_code(code: int, text: str) -> Exception:
    return TransientFailure(text) if 400 <= code < 500 else PermanentFailure(text)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    message = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"SMTP {exc.smtp_code} {message}".strip()


class SmtpSender:
    def __init__(self, settings, timeout: float = 20.0):
        self.settings = settings
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_security == "tls":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=self.timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
            if s.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            client.login(s.smtp_user, s.smtp_password)
        return client

    def send(self, outgoing: Outgoing) -> None:
        sender = parseaddr(self.settings.mail_from)[1]
        try:
            client = self._connect()
            try:
                client.sendmail(sender, [outgoing.recipient], outgoing.body.encode("utf-8"))
            except BaseException:
                client.close()
                raise
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _by_code(code, f"SMTP {code} {reply.decode('utf-8', 'replace')}") from None
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, auth failed, ...
            raise _by_code(exc.smtp_code, _reply(exc)) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentFailure(f"SMTP-Server kann das nicht: {exc}") from None
        except (smtplib.SMTPServerDisconnected, socket.timeout, ConnectionError, OSError) as exc:
            raise TransientFailure(f"SMTP-Server nicht erreichbar: {type(exc).__name__}: {exc}") from None
        except smtplib.SMTPException as exc:
            raise TransientFailure(f"SMTP: {type(exc).__name__}: {exc}") from None
        _goodbye(client)


def _goodbye(client: smtplib.SMTP) -> None:
    """The 250 after DATA means the server has the mail: say QUIT but do not wait for its 221,
    so that "sent" is recorded at once (the window for a duplicate is only as long as needed).
    Nothing here can fail the delivery."""
    try:
        client.send("QUIT\r\n")
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        client.close()
