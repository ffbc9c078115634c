"""What a channel adapter sends: one delivery, rendered."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    channel: str  # email | sms
    recipient: str  # address or E.164 number
    subject: str
    body: str  # the MIME message (email) or the text (SMS)
