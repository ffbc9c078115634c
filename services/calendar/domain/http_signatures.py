"""HTTP Signatures as the fediverse uses them (draft-cavage-http-signatures-12, rsa-sha256, as
Mastodon signs and verifies): a signing string of `(request-target) host date digest`, an RSA
PKCS#1 v1.5 signature over it, and a Digest header over the body.

Built on `cryptography` in this one module: the maintained PyPI libraries implement RFC 9421
(http-message-signatures), which Mastodon and most peers do not verify yet; draft-cavage is what
every peer accepts. Pure: headers in, header values or an error code out."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNED_POST = ("(request-target)", "host", "date", "digest")
SIGNED_GET = ("(request-target)", "host", "date")
CLOCK_SKEW = timedelta(hours=12)  # Mastodon's window; a peer's clock may be off that much
ALGORITHMS = ("rsa-sha256", "hs2019")  # hs2019: "read the algorithm from the key", RSA here
PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')
MAX_HEADER = 4096


class SignatureError(Exception):
    """Why a signature is refused, as a code: missing, malformed, algorithm, headers, digest,
    date, invalid."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Signature:
    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes


def new_key_pair(bits: int = 2048) -> tuple[str, str]:
    """(private PEM, public PEM) of a fresh RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def body_digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def signing_string(method: str, target: str, headers: Mapping[str, str], names: tuple[str, ...]) -> str:
    """`target`: the path with its query. `headers`: names in lower case."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        elif name in headers:
            lines.append(f"{name}: {headers[name].strip()}")
        else:
            raise SignatureError("headers")
    return "\n".join(lines)


def sign(
    method: str, target: str, headers: Mapping[str, str], key_id: str, private_pem: str, names: tuple[str, ...]
) -> str:
    """The Signature header's value for a request carrying `headers` (lower-case names)."""
    key = _private_key(private_pem)
    text = signing_string(method, target, headers, names).encode()
    value = base64.b64encode(key.sign(text, padding.PKCS1v15(), hashes.SHA256())).decode()
    return f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",signature="{value}"'


def signed_headers(
    method: str, url_host: str, target: str, key_id: str, private_pem: str, now: datetime, body: bytes | None
) -> dict[str, str]:
    """Host, Date, Digest (with a body) and Signature for a request."""
    headers = {"host": url_host, "date": http_date(now)}
    names: tuple[str, ...] = SIGNED_GET
    if body is not None:
        headers["digest"] = body_digest(body)
        names = SIGNED_POST
    headers["signature"] = sign(method, target, headers, key_id, private_pem, names)
    return {name.title(): value for name, value in headers.items()}


@lru_cache(maxsize=64)
def _private_key(private_pem: str) -> rsa.RSAPrivateKey:
    """Loaded once per process: loading checks the key, which costs more than signing."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA keys sign here")
    return key


def parse(value: str | None) -> Signature:
    if not value:
        raise SignatureError("missing")
    if len(value) > MAX_HEADER:
        raise SignatureError("malformed")
    params: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = PARAM.match(value, position)
        if match is None:
            raise SignatureError("malformed")
        params[match[1].lower()] = match[2]
        position = match.end()
    if "keyid" not in params or "signature" not in params:
        raise SignatureError("malformed")
    algorithm = params.get("algorithm", "hs2019").lower()
    if algorithm not in ALGORITHMS:
        raise SignatureError("algorithm")
    try:
        raw = base64.b64decode(params["signature"], validate=True)
    except ValueError as exc:
        raise SignatureError("malformed") from exc
    names = tuple(params.get("headers", "date").lower().split())
    return Signature(params["keyid"], algorithm, names, raw)


def check(
    signature: Signature,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    public_pem: str,
    now: datetime,
) -> None:
    """Raises SignatureError unless `signature` (parsed from the request) is the key's over the
    request-target, host and date (and digest when there is a body), the Digest matches the body
    and the Date is within CLOCK_SKEW of `now`. `headers`: lower-case names."""
    needed = SIGNED_POST if method.upper() == "POST" else SIGNED_GET
    if any(name not in signature.headers for name in needed):
        raise SignatureError("headers")
    if "digest" in signature.headers and not _digest_matches(headers.get("digest", ""), body):
        raise SignatureError("digest")
    try:
        sent = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError) as exc:
        raise SignatureError("date") from exc
    if sent.tzinfo is None or abs(now - sent) > CLOCK_SKEW:
        raise SignatureError("date")
    verify_rsa_sha256(public_pem, signature.signature, signing_string(method, target, headers, signature.headers))


def verify_rsa_sha256(public_pem: str, signature: bytes, signed: str) -> None:
    """SignatureError unless `signature` is `signed` signed by the RSA key (both kinds of
    signature use RSASSA-PKCS1-v1_5 with SHA-256, what Mastodon and Fedify use)."""
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
    except ValueError as exc:
        raise SignatureError("invalid") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("algorithm")
    try:
        key.verify(signature, signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise SignatureError("invalid") from exc


def _digest_matches(header: str, body: bytes) -> bool:
    """Digest may list several algorithms; the SHA-256 one must be there and match."""
    for part in header.split(","):
        algorithm, _, value = part.strip().partition("=")
        if algorithm.lower() == "sha-256":
            return value == body_digest(body).split("=", 1)[1]
    return False
