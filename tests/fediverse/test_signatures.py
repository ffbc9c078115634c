"""HTTP Signatures (draft-cavage, as Mastodon signs): what we sign verifies, anything changed
on the way (body, path, host, date, key) is refused with the reason, old dates are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from hypothesis import given, settings, strategies as st

from services.calendar.domain import http_signatures as hs, message_signatures as ms

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@cache
def pair(which: int = 0) -> tuple[str, str]:
    return hs.new_key_pair()


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def signed(body: bytes | None, target: str = "/ap/inbox", host: str = "example.org", now: datetime = NOW):
    return lower(
        hs.signed_headers(
            "POST" if body is not None else "GET", host, target, "https://a.example/k#main", pair()[0], now, body
        )
    )


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=2000), path=st.from_regex(r"/[a-z0-9/_-]{0,40}", fullmatch=True))
def test_what_we_sign_verifies(body, path):
    headers = signed(body, path)
    signature = hs.parse(headers["signature"])
    hs.check(signature, "POST", path, headers, body, pair()[1], NOW)


@settings(max_examples=40, deadline=None)
@given(body=st.binary(min_size=1, max_size=500), flip=st.integers(min_value=0))
def test_a_changed_body_is_refused(body, flip):
    headers = signed(body)
    position = flip % len(body)
    tampered = body[:position] + bytes([body[position] ^ 1]) + body[position + 1 :]
    with pytest.raises(hs.SignatureError) as refused:
        hs.check(hs.parse(headers["signature"]), "POST", "/ap/inbox", headers, tampered, pair()[1], NOW)
    assert refused.value.code == "digest"


def test_a_digest_changed_with_the_body_still_fails_the_signature():
    headers = signed(b"{}")
    headers["digest"] = hs.body_digest(b'{"type":"Delete"}')
    with pytest.raises(hs.SignatureError) as refused:
        hs.check(hs.parse(headers["signature"]), "POST", "/ap/inbox", headers, b'{"type":"Delete"}', pair()[1], NOW)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize(
    "change",
    [
        lambda h: h.update(host="other.example"),
        lambda h: h.update(date=hs.http_date(NOW - timedelta(minutes=1))),
    ],
)
def test_changed_signed_headers_are_refused(change):
    headers = signed(b"{}")
    change(headers)
    with pytest.raises(hs.SignatureError) as refused:
        hs.check(hs.parse(headers["signature"]), "POST", "/ap/inbox", headers, b"{}", pair()[1], NOW)
    assert refused.value.code == "invalid"


def test_another_path_or_key_is_refused():
    headers = signed(b"{}")
    with pytest.raises(hs.SignatureError):
        hs.check(hs.parse(headers["signature"]), "POST", "/ap/actors/x/inbox", headers, b"{}", pair()[1], NOW)
    other = hs.new_key_pair()[1]
    with pytest.raises(hs.SignatureError):
        hs.check(hs.parse(headers["signature"]), "POST", "/ap/inbox", headers, b"{}", other, NOW)


@pytest.mark.parametrize("hours", [-13, 13])
def test_a_date_more_than_twelve_hours_away_is_refused(hours):
    headers = signed(b"{}", now=NOW + timedelta(hours=hours))
    with pytest.raises(hs.SignatureError) as refused:
        hs.check(hs.parse(headers["signature"]), "POST", "/ap/inbox", headers, b"{}", pair()[1], NOW)
    assert refused.value.code == "date"


def test_a_post_must_sign_its_digest():
    headers = signed(None, "/ap/inbox")  # signed like a GET: no digest among the headers
    with pytest.raises(hs.SignatureError) as refused:
        hs.check(hs.parse(headers["signature"]), "POST", "/ap/inbox", headers, b"{}", pair()[1], NOW)
    assert refused.value.code == "headers"


def test_a_signed_get_verifies_without_a_body():
    headers = signed(None, "/ap/actors/treffpunkt")
    hs.check(hs.parse(headers["signature"]), "GET", "/ap/actors/treffpunkt", headers, b"", pair()[1], NOW)


@pytest.mark.parametrize(
    "value, code",
    [
        (None, "missing"),
        ("", "missing"),
        ('keyId="k",signature="!!!"', "malformed"),
        ('keyId="k"', "malformed"),
        ('keyId="k",algorithm="hmac-sha256",signature="AA=="', "algorithm"),
        ("garbage", "malformed"),
        ('keyId="k",signature="' + "A" * 5000 + '"', "malformed"),
    ],
)
def test_malformed_signature_headers_are_named(value, code):
    with pytest.raises(hs.SignatureError) as refused:
        hs.parse(value)
    assert refused.value.code == code


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_header_text_parses_or_is_refused_with_a_code(text):
    try:
        hs.parse(text)
    except hs.SignatureError as exc:
        assert exc.code in ("missing", "malformed", "algorithm")


# RFC 9421, as Fedify signs first

URI = "https://treffpunkt.example/ap/inbox"


def modern(body: bytes, now: datetime = NOW) -> dict[str, str]:
    return lower(ms.sign("POST", URI, body, "https://a.example/k#main", pair()[0], now))


@settings(max_examples=30, deadline=None)
@given(body=st.binary(max_size=2000))
def test_rfc9421_what_we_sign_verifies(body):
    headers = modern(body)
    signature = ms.parse(headers["signature-input"], headers["signature"])
    assert signature.key_id == "https://a.example/k#main"
    ms.check(signature, "POST", URI, headers, body, pair()[1], NOW)


@settings(max_examples=30, deadline=None)
@given(body=st.binary(min_size=1, max_size=500))
def test_rfc9421_a_changed_body_or_address_is_refused(body):
    headers = modern(body)
    signature = ms.parse(headers["signature-input"], headers["signature"])
    with pytest.raises(hs.SignatureError) as refused:
        ms.check(signature, "POST", URI, headers, body + b" ", pair()[1], NOW)
    assert refused.value.code == "digest"
    with pytest.raises(hs.SignatureError) as refused:
        ms.check(signature, "POST", URI.replace("inbox", "outbox"), headers, body, pair()[1], NOW)
    assert refused.value.code == "invalid"


def test_rfc9421_old_or_unsigned_digests_are_refused():
    headers = modern(b"{}", now=NOW - timedelta(hours=13))
    with pytest.raises(hs.SignatureError) as refused:
        ms.check(
            ms.parse(headers["signature-input"], headers["signature"]), "POST", URI, headers, b"{}", pair()[1], NOW
        )
    assert refused.value.code == "date"
    get_only = lower(ms.sign("GET", URI, None, "k", pair()[0], NOW))
    with pytest.raises(hs.SignatureError) as refused:
        ms.check(
            ms.parse(get_only["signature-input"], get_only["signature"]), "POST", URI, get_only, b"{}", pair()[1], NOW
        )
    assert refused.value.code == "headers"


@pytest.mark.parametrize(
    "signature_input, signature, code",
    [
        (None, "sig1=:AA==:", "missing"),
        ('sig1=("@method");keyid="k"', "sig2=:AA==:", "malformed"),
        ('sig1=("@method")', "sig1=:AA==:", "malformed"),
        ('sig1=("@method");alg="ed25519";keyid="k"', "sig1=:AA==:", "algorithm"),
        ("nonsense", "nonsense", "malformed"),
    ],
)
def test_rfc9421_malformed_headers_are_named(signature_input, signature, code):
    with pytest.raises(hs.SignatureError) as refused:
        ms.parse(signature_input, signature)
    assert refused.value.code == code
