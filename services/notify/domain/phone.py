"""Phone numbers to E.164, the only form SMS gateways accept reliably."""

from __future__ import annotations

import phonenumbers

from services.notify.domain.errors import PermanentFailure

DEFAULT_REGION = "DE"


class InvalidPhone(PermanentFailure):
    pass


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """'0151 2345678' -> '+491512345678'. Numbers without a country code are read as German."""
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"Ungültige Telefonnummer {raw!r}: {exc}") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"Ungültige Telefonnummer {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
