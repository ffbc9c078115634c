"""The authenticator secrets sealed at rest (cryptography's Fernet: AES-128-CBC with an HMAC).

A copy of the identity database (a backup, a dump for support) must not let anyone make a
person's codes. The key comes from SECOND_FACTOR_KEY (several keys, comma-separated, let the
operator change keys: the first seals, all open); without it from SECRET_KEY through HKDF, so a
`make run` or a small installation needs nothing more, at the price that a new SECRET_KEY makes
the sealed secrets unreadable: those people log in with a recovery code and set up again."""

from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)
PURPOSE = b"treffpunkt second factor secrets"  # a key for this use only, never SECRET_KEY itself


class Unreadable(Exception):
    """A sealed secret that none of the keys opens (the key changed)."""


def derived_key(secret_key: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


class Sealer:
    def __init__(self, keys: str, secret_key: str):
        listed = [k.strip() for k in keys.split(",") if k.strip()]
        try:
            self._fernet = MultiFernet([Fernet(k) for k in listed] or [Fernet(derived_key(secret_key))])
        except ValueError as exc:  # a mistyped key: say so at start, not at someone's login
            raise RuntimeError(
                "SECOND_FACTOR_KEY must be Fernet keys (32 bytes, url-safe base64), comma-separated"
            ) from exc

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            log.error("a second-factor secret could not be opened: SECOND_FACTOR_KEY or SECRET_KEY changed?")
            raise Unreadable from exc
