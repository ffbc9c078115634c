"""Time-based one-time codes (RFC 6238, as authenticator apps make them): a new secret, the
address an app reads from the QR code, and whether a typed code is good now.

A code is good for its own 30-second step and the one before and after it (clocks of phones
drift, and typing takes time). Each step is accepted once: the caller keeps the last step it
accepted, and a code from that step or an earlier one is refused, so a code seen over someone's
shoulder cannot be used again."""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1  # steps either side of now that still count
SECRET_CHARS = 32  # base32: 160 bits, the size RFC 4226 recommends for HMAC-SHA1
ISSUER = "Treffpunkt Jena"  # the name the app shows above the code


def new_secret() -> str:
    return pyotp.random_base32(SECRET_CHARS)


def setup_uri(secret: str, username: str) -> str:
    """The otpauth:// address in the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=username, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret for typing in by hand, in groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalised(code: str) -> str | None:
    """The six digits of a typed code (spaces allowed, as apps show "123 456"); None if it is no code."""
    digits = "".join(code.split())
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to, if it is good now and newer than `last_step`; else None."""
    digits = normalised(code)
    if digits is None:
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None
