"""HTTP Message Signatures (RFC 9421), the subset fediverse servers send: Fedify signs with it
first ("double knocking") and falls back to draft-cavage when refused. Verified here: one
signature, rsa-v1_5-sha256, over @method, @target-uri (or @authority and @path) and the
Content-Digest (RFC 9530) of the body. Signing for tests and peers that ask for it: `sign`.
Pure, on `cryptography`; parses only the structured-field shapes these headers use."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from services.calendar.domain.http_signatures import CLOCK_SKEW, SignatureError, verify_rsa_sha256

INPUT = re.compile(r'\s*([a-z][a-z0-9_.*-]*)=(\((?:\s*"[^"]*")*\s*\)((?:;[a-z][a-z0-9_.*-]*=(?:"[^"]*"|-?\d+))*))')
SIGNATURE = re.compile(r"\s*([a-z][a-z0-9_.*-]*)=:([A-Za-z0-9+/=]*):")
PARAM = re.compile(r';([a-z][a-z0-9_.*-]*)=("[^"]*"|-?\d+)')
MAX_HEADER = 4096


@dataclass(frozen=True)
class MessageSignature:
    label: str
    components: tuple[str, ...]
    params: str  # the inner list and its parameters exactly as sent: they are signed
    key_id: str
    algorithm: str
    created: int | None
    signature: bytes


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def parse(signature_input: str | None, signature: str | None) -> MessageSignature:
    if not signature_input or not signature:
        raise SignatureError("missing")
    if len(signature_input) > MAX_HEADER or len(signature) > MAX_HEADER:
        raise SignatureError("malformed")
    found = INPUT.match(signature_input)
    values = dict(SIGNATURE.findall(signature))
    if found is None or found[1] not in values:
        raise SignatureError("malformed")
    label, params = found[1], found[2]
    components = tuple(re.findall(r'"([^"]*)"', params.split(")", 1)[0]))
    named = {k: v.strip('"') for k, v in PARAM.findall(found[3] or "")}
    if "keyid" not in named:
        raise SignatureError("malformed")
    algorithm = named.get("alg", "rsa-v1_5-sha256")
    if algorithm != "rsa-v1_5-sha256":
        raise SignatureError("algorithm")
    try:
        raw = base64.b64decode(values[label], validate=True)
        created = int(named["created"]) if "created" in named else None
    except ValueError as exc:
        raise SignatureError("malformed") from exc
    return MessageSignature(label, components, params, named["keyid"], algorithm, created, raw)


def signature_base(
    components: tuple[str, ...], params: str, method: str, target_uri: str, headers: Mapping[str, str]
) -> str:
    """RFC 9421 §2.5; `headers` with lower-case names."""
    authority = target_uri.split("://", 1)[-1].split("/", 1)[0].lower()
    path_and_query = "/" + target_uri.split("://", 1)[-1].partition("/")[2]
    path, _, query = path_and_query.partition("?")
    derived = {
        "@method": method.upper(),
        "@target-uri": target_uri,
        "@authority": authority,
        "@path": path,
        "@query": "?" + query,
    }
    lines = []
    for name in components:
        if name in derived:
            lines.append(f'"{name}": {derived[name]}')
        elif name in headers:
            lines.append(f'"{name}": {headers[name].strip()}')
        else:
            raise SignatureError("headers")
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines)


def check(
    signature: MessageSignature,
    method: str,
    target_uri: str,
    headers: Mapping[str, str],
    body: bytes,
    public_pem: str,
    now: datetime,
) -> None:
    """SignatureError unless the signature covers the method, the target and (with a body) the
    Content-Digest, the digest matches, `created` is within CLOCK_SKEW and the key verifies."""
    covered = set(signature.components)
    if "@method" not in covered or not ({"@target-uri"} <= covered or {"@authority", "@path"} <= covered):
        raise SignatureError("headers")
    if method.upper() == "POST":
        if "content-digest" not in covered:
            raise SignatureError("headers")
        sent = {part.strip() for part in headers.get("content-digest", "").split(",")}
        if content_digest(body) not in sent:
            raise SignatureError("digest")
    if signature.created is None or abs(now.timestamp() - signature.created) > CLOCK_SKEW.total_seconds():
        raise SignatureError("date")
    base = signature_base(signature.components, signature.params, method, target_uri, headers)
    verify_rsa_sha256(public_pem, signature.signature, base)


def sign(
    method: str, target_uri: str, body: bytes | None, key_id: str, private_pem: str, now: datetime
) -> dict[str, str]:
    """Signature-Input, Signature (and Content-Digest with a body) for a request."""
    headers: dict[str, str] = {}
    components = ["@method", "@target-uri"]
    if body is not None:
        headers["content-digest"] = content_digest(body)
        components.append("content-digest")
    inner = "(" + " ".join(f'"{c}"' for c in components) + ")"
    params = f'{inner};alg="rsa-v1_5-sha256";keyid="{key_id}";created={int(now.timestamp())}'
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("only RSA keys sign here")
    base = signature_base(tuple(components), params, method, target_uri, headers).encode()
    value = base64.b64encode(key.sign(base, padding.PKCS1v15(), hashes.SHA256())).decode()
    return {
        **{k.title(): v for k, v in headers.items()},
        "Signature-Input": f"sig1={params}",
        "Signature": f"sig1=:{value}:",
    }
