"""Adapters to the outside world: email (SMTP or capture) and SMS (webhook, seven.io or capture).

Every adapter has `send(Outgoing)`; it returns when the provider accepted the message and raises
TransientFailure or PermanentFailure (services.notify.domain.errors) otherwise."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    channel: str  # email | sms
    recipient: str  # address or E.164 number
    subject: str
    body: str  # the MIME message (email) or the text (SMS)


def sender_for(channel: str, settings, session_factory, timeout: float = 20.0):
    """The configured adapter for `channel` (settings.mail_backend / settings.sms_backend)."""
    from services.notify.channels import capture, email, sms

    if channel == "email":
        if settings.mail_backend == "smtp":
            return email.SmtpSender(settings, timeout=timeout)
        return capture.CaptureSender(session_factory)
    if settings.sms_backend == "webhook":
        return sms.WebhookSender(settings, timeout=timeout)
    if settings.sms_backend == "seven":
        return sms.SevenSender(settings, timeout=timeout)
    return capture.CaptureSender(session_factory)
