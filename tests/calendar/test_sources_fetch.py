"""The guarded fetch of a partner's feed (subscriptions/fetch.py) against a local HTTP server
(pytest-httpserver): conditional requests and 304, redirects counted and checked, a byte
ceiling, a total time ceiling (also for a server that drips), no internal addresses unless
allowed, German reasons a person can act on."""

from __future__ import annotations

import time

import pytest
from werkzeug import Response

from services.calendar.domain.source_draft import SourceProblem, source_url
from services.calendar.subscriptions.fetch import FetchProblem, check_address, fetch

FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//DE\r\nEND:VCALENDAR\r\n"


def test_a_feed_is_fetched_with_its_validators_and_a_304_means_nothing_to_do(httpserver):
    httpserver.expect_request("/kalender.ics").respond_with_data(
        FEED, content_type="text/calendar", headers={"ETag": '"v1"', "Last-Modified": "Sat, 05 Dec 2026 10:00:00 GMT"}
    )
    got = fetch(httpserver.url_for("/kalender.ics"), allow_private=True)
    assert (got.body, got.not_modified, got.etag) == (FEED, False, '"v1"')
    assert got.last_modified == "Sat, 05 Dec 2026 10:00:00 GMT"
    httpserver.clear()

    def conditional(request):
        assert request.headers["If-None-Match"] == '"v1"'
        assert request.headers["If-Modified-Since"] == "Sat, 05 Dec 2026 10:00:00 GMT"
        return Response(status=304, headers={"ETag": '"v1"'})

    httpserver.expect_request("/kalender.ics").respond_with_handler(conditional)
    again = fetch(
        httpserver.url_for("/kalender.ics"), etag=got.etag, last_modified=got.last_modified, allow_private=True
    )
    assert again.not_modified and again.body == b""


def test_redirects_are_followed_up_to_five(httpserver):
    for hop in range(5):
        httpserver.expect_request(f"/hop{hop}").respond_with_response(
            Response(status=302, headers={"Location": f"/hop{hop + 1}"})
        )
    httpserver.expect_request("/hop5").respond_with_data(FEED)
    assert fetch(httpserver.url_for("/hop0"), allow_private=True).body == FEED
    with pytest.raises(FetchProblem, match="zu oft weiter"):
        fetch(httpserver.url_for("/hop0"), allow_private=True, max_redirects=4)


def test_a_redirect_to_another_scheme_or_an_internal_address_is_refused(httpserver):
    httpserver.expect_request("/ftp").respond_with_response(Response(status=301, headers={"Location": "ftp://x/y"}))
    with pytest.raises(FetchProblem, match="https://"):
        fetch(httpserver.url_for("/ftp"), allow_private=True)
    # a redirect from a test server to the cloud's metadata address: each hop is checked
    httpserver.expect_request("/inside").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"})
    )
    with pytest.raises(FetchProblem, match="internen Netz"):
        fetch(httpserver.url_for("/inside").replace("localhost", "127.0.0.1"), allow_private=False)
    with pytest.raises(FetchProblem, match="internen Netz"):
        check_address("http://169.254.169.254/latest/meta-data", allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.ics",
        "http://localhost/x.ics",
        "http://10.1.2.3/x.ics",
        "http://192.168.0.10/x.ics",
        "http://[::1]/x.ics",
        "http://[::ffff:127.0.0.1]/x.ics",
        "http://224.0.0.1/x.ics",
        "http://0.0.0.0/x.ics",
    ],
)
def test_internal_addresses_are_refused_unless_allowed(url):
    with pytest.raises(FetchProblem, match="internen Netz"):
        check_address(url, allow_private=False)


def test_a_refused_address_is_never_asked(httpserver):
    httpserver.expect_request("/kalender.ics").respond_with_data(FEED)
    with pytest.raises(FetchProblem, match="internen Netz"):
        fetch(httpserver.url_for("/kalender.ics"), allow_private=False)
    assert httpserver.log == []


def test_a_feed_over_the_byte_ceiling_is_refused_with_or_without_its_length(httpserver):
    big = b"X" * 300_000
    httpserver.expect_request("/declared").respond_with_data(big)
    with pytest.raises(FetchProblem, match="zu groß"):
        fetch(httpserver.url_for("/declared"), allow_private=True, max_bytes=100_000)

    def chunked(_request):
        return Response((b"Y" * 10_000 for _ in range(30)), direct_passthrough=True)  # no Content-Length

    httpserver.expect_request("/streamed").respond_with_handler(chunked)
    with pytest.raises(FetchProblem, match="zu groß"):
        fetch(httpserver.url_for("/streamed"), allow_private=True, max_bytes=100_000)


def test_a_slow_server_is_cut_off_at_the_total_time(httpserver):
    def slow(_request):
        time.sleep(2.5)
        return Response(FEED)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(FetchProblem, match="zu langsam"):
        fetch(httpserver.url_for("/slow"), allow_private=True, total_seconds=1.0)
    assert time.monotonic() - started < 2.4


def test_a_server_that_drips_is_cut_off_at_the_total_time(httpserver):
    def drip(_request):
        def body():
            for _ in range(40):
                yield b"BEGIN:VCALENDAR\r\n"
                time.sleep(0.1)

        return Response(body(), direct_passthrough=True)

    httpserver.expect_request("/drip").respond_with_handler(drip)
    started = time.monotonic()
    with pytest.raises(FetchProblem, match="zu langsam"):
        fetch(httpserver.url_for("/drip"), allow_private=True, total_seconds=1.0)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    "status,words", [(404, "keinen Kalender"), (401, "verweigert"), (500, "HTTP 500"), (403, "verweigert")]
)
def test_http_errors_have_german_reasons(httpserver, status, words):
    httpserver.expect_request("/x").respond_with_data("nein", status=status)
    with pytest.raises(FetchProblem, match=words):
        fetch(httpserver.url_for("/x"), allow_private=True)


def test_an_unknown_host_is_named():
    with pytest.raises(FetchProblem, match="gibt es nicht"):
        check_address("https://kalender.invalid/x.ics", allow_private=True)


@pytest.mark.parametrize(
    "kind,given,expected",
    [
        ("ics", "webcal://calendar.google.com/calendar/ical/x/public/basic.ics",
         "https://calendar.google.com/calendar/ical/x/public/basic.ics"),
        ("ics", "  WEBCALS://outlook.office365.com/owa/calendar/a/b/calendar.ics ",
         "https://outlook.office365.com/owa/calendar/a/b/calendar.ics"),
        ("caldav", "https://cloud.example.org/remote.php/dav/calendars/haus/veranstaltungen/",
         "https://cloud.example.org/remote.php/dav/calendars/haus/veranstaltungen/"),
        ("ics", "http://[2001:db8::1]:8080/k.ics", "http://[2001:db8::1]:8080/k.ics"),
    ],
)  # fmt: skip
def test_addresses_are_normalised(kind, given, expected):
    assert source_url(kind, given) == expected


@pytest.mark.parametrize(
    "kind,given,words",
    [
        ("ics", "ftp://example.org/k.ics", "https://"),
        ("ics", "file:///etc/passwd", "https://"),
        ("ics", "https://user:pw@example.org/k.ics", "Passwort"),
        ("caldav", "webcal://example.org/k.ics", "ICS"),
        ("ics", "https:///k.ics", "Server"),
        ("ics", "", "Adresse"),
        ("ics", "https://exa mple.org/", "Leerzeichen"),
        ("ics", "https://example.org:99999/", "gültige"),
    ],
)
def test_unusable_addresses_are_refused_in_german(kind, given, words):
    with pytest.raises(SourceProblem, match=words):
        source_url(kind, given)
