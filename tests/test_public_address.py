"""The one guard for addresses Treffpunkt asks on someone else's say-so (calendar sources,
fediverse servers): http(s) to public hosts only, whatever way the address is written."""

from __future__ import annotations

import socket

import pytest
import requests

from shared.public_address import Refused, check, is_public, session


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/feed.ics",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0x7f.1/",
        "https://10.0.0.5/",
        "https://192.168.1.1/",
        "https://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
    ],
)
def test_internal_addresses_are_refused(url):
    with pytest.raises(Refused) as refused:
        check(url, allow_private=False)
    assert refused.value.reason == "internal"


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.org/x.ics", "scheme"),
        ("gopher://127.0.0.1:6379/", "scheme"),
        ("webcal://example.org/x.ics", "scheme"),  # callers turn webcal into https first
        ("http:///feed.ics", "no_host"),
        ("https://name-that-does-not-exist.invalid/", "unknown_host"),
    ],
)
def test_other_schemes_and_unknown_hosts_are_refused_with_their_reason(url, reason):
    with pytest.raises(Refused) as refused:
        check(url, allow_private=True)
    assert refused.value.reason == reason


def test_public_literal_addresses_pass_and_private_ones_pass_only_when_allowed():
    check("https://93.184.216.34/kalender.ics", allow_private=False)
    check("http://127.0.0.1:5232/partner/kalender/", allow_private=True)


@pytest.mark.parametrize(
    "address, public",
    [("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False), ("::ffff:10.1.2.3", False),
     ("fe80::1%eth0", False), ("ff02::1", False)],
)  # fmt: skip
def test_is_public(address, public):
    assert is_public(address) is public


def test_a_name_that_answers_public_then_internal_never_reaches_the_internal_server(httpserver, monkeypatch):
    """DNS rebinding: the name resolves to a public address for the check and to 127.0.0.1 a
    moment later. The session's connections resolve through a resolver that refuses internal
    answers, so the server on 127.0.0.1 (the internal service) is never asked."""
    httpserver.expect_request("/secret").respond_with_data("internal data")
    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")  # public once, then internal
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://rebind.example:{httpserver.port}/secret"
    check(url, allow_private=False)  # the first answer: public, so the check lets it pass
    with session(allow_private=False) as http, pytest.raises(requests.ConnectionError):
        http.get(url, timeout=3)
    assert httpserver.log == []
    with session(allow_private=True) as http:  # tests and make run: the same request arrives
        assert http.get(url, timeout=3).text == "internal data"
