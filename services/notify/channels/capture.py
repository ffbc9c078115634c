"""Capture backend (make run): keep the message in our own database and show it at /notify/."""

from __future__ import annotations

from shared.db import SessionFactory, transaction

from services.notify.channels.outgoing import Outgoing
from services.notify.models import CapturedMessage


class CaptureSender:
    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory

    def send(self, outgoing: Outgoing) -> None:
        with transaction(self.session_factory) as session:
            session.add(
                CapturedMessage(
                    delivery_id=outgoing.delivery_id,
                    channel=outgoing.channel,
                    recipient=outgoing.recipient,
                    subject=outgoing.subject,
                    content=outgoing.body,
                )
            )
