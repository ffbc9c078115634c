"""Adapters to the outside world: email (SMTP or capture) and SMS (webhook, seven.io or capture).

Every adapter has `send(Outgoing)`; it returns when the provider accepted the message and raises
TransientFailure or PermanentFailure (services.notify.domain.errors) otherwise."""

from __future__ import annotations

from typing import Protocol

from shared.db import SessionFactory

from services.notify.channels.capture import CaptureSender
from services.notify.channels.email import SmtpSender
from services.notify.channels.outgoing import Outgoing
from services.notify.channels.sms import SevenSender, WebhookSender
from services.notify.settings import NotifySettings


class Sender(Protocol):
    """What every adapter is."""

    def send(self, outgoing: Outgoing) -> None: ...


def sender_for(channel: str, settings: NotifySettings, capture: SessionFactory) -> Sender:
    """The configured adapter for `channel` (settings.mail_backend / settings.sms_backend).
    `capture`: the service's own sessions, where the capture backend keeps messages."""
    timeout = settings.send_timeout
    if channel == "email":
        if settings.mail_backend == "smtp":
            return SmtpSender(settings, timeout=timeout)
        return CaptureSender(capture)
    if settings.sms_backend == "webhook":
        return WebhookSender(settings, timeout=timeout)
    if settings.sms_backend == "seven":
        return SevenSender(settings, timeout=timeout)
    return CaptureSender(capture)
