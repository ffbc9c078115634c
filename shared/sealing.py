"""Secrets sealed at rest with cryptography's Fernet (AES-128-CBC with an HMAC): a copy of a
database (a backup, a dump for support) must not hand out what they open (a person's second
factor, a partner's password for its other calendar, an actor's signing key).

Each use is a subclass naming its setting and its purpose. The setting holds Fernet keys,
comma-separated, so the operator can change keys: the first seals, all open. Without it the key
comes from SECRET_KEY through HKDF with the purpose as context, so `make run` or a small
installation needs nothing more (a new SECRET_KEY then makes the sealed secrets unreadable),
and no two uses share a key, nor any use SECRET_KEY itself."""

from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)


class Unreadable(Exception):
    """A sealed secret that none of the keys opens (the key changed)."""


class Sealer:
    purpose: bytes = b""  # the HKDF context of the key derived from SECRET_KEY
    setting: str = ""  # the environment variable of the keys, for messages

    def __init__(self, keys: str, secret_key: str):
        listed = [k.strip() for k in keys.split(",") if k.strip()]
        try:
            self._fernet = MultiFernet([Fernet(k) for k in listed] or [Fernet(self.derived_key(secret_key))])
        except ValueError as exc:  # a mistyped key: say so at start, not at the first use
            raise RuntimeError(
                f"{self.setting} must be Fernet keys (32 bytes, url-safe base64), comma-separated"
            ) from exc

    @classmethod
    def derived_key(cls, secret_key: str) -> bytes:
        raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=cls.purpose).derive(secret_key.encode())
        return base64.urlsafe_b64encode(raw)

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode() if text else ""

    def open(self, sealed: str) -> str:
        if not sealed:
            return ""
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            log.error("a sealed secret could not be opened: %s or SECRET_KEY changed?", self.setting)
            raise Unreadable from exc
