"""The fuzz harness itself: against a stand-in server that fails on purpose, an answer >= 500,
a hang and a dead health check are each caught, counted, and reported with the request that
caused them and the end of the server's traceback; a test stops sending after its hangs."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.fuzz.harness import HANGS_PER_TEST, Figures, Fuzzer
from tests.fuzz.server import HEADER

TRACE = (
    'Traceback (most recent call last):\n  File "/x/services/calendar/domain/expand.py", line 7, in expand\n'
    "ValueError: year 0 is out of range\n"
)


class StandIn(BaseHTTPRequestHandler):
    healthy = True

    def do_GET(self):  # noqa: N802 (the stdlib's name)
        if self.path == "/slow":
            time.sleep(1.5)
        status = {"/boom": 500, "/healthz": 200 if StandIn.healthy else 503}.get(self.path, 200)
        if self.path == "/boom":
            self.server.traces[int(self.headers[HEADER])] = TRACE
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class StandInServer:
    """What the Fuzzer needs of harness.Server: a port, tracebacks, a log, a restart."""

    def __init__(self):
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        self.http.traces = {}
        self.port = self.http.server_address[1]
        self.restarts = 0
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def traceback(self, request_id: int) -> str:
        return self.http.traces.get(request_id, "")

    def log_tail(self, size: int = 0) -> str:
        return "stand-in log"

    def restart(self) -> None:
        self.restarts += 1
        StandIn.healthy = True


@pytest.fixture
def stand_in():
    server = StandInServer()
    yield server
    server.http.shutdown()
    server.http.server_close()


def _fuzzer(stand_in):
    figures = Figures()
    return Fuzzer(stand_in, figures, "self-test", health="/healthz", bound=0.5), figures


def test_an_error_is_reported_with_its_request_and_traceback(stand_in):
    fuzz, figures = _fuzzer(stand_in)
    for body in (b"first", b"second"):
        with fuzz.example():
            fuzz.send("GET", "/boom", body, {"Content-Type": "text/plain"})
    with fuzz.example():
        fuzz.send("GET", "/fine")
    with pytest.raises(AssertionError) as failed:
        fuzz.assert_sound()
    report = str(failed.value)
    assert "1 distinct failures" in report and "answer >= 500 (2 examples)" in report
    assert "GET /boom" in report and "body (5 bytes): b'first'" in report
    assert "at services/calendar/domain/expand.py:7 in expand" in report and "ValueError: year 0" in report
    assert (figures.examples, figures.requests, figures.errors) == (3, 3, 2)


def test_a_hang_restarts_the_server_and_the_test_stops_after_its_hangs(stand_in):
    fuzz, figures = _fuzzer(stand_in)
    for _ in range(HANGS_PER_TEST + 2):
        with fuzz.example():
            assert fuzz.send("GET", "/slow") is None
    assert stand_in.restarts == HANGS_PER_TEST and figures.hangs == HANGS_PER_TEST and figures.skipped == 2
    with pytest.raises(AssertionError, match=r"(?s)no answer in time .3 examples.*GET /slow"):
        fuzz.assert_sound()


def test_a_service_that_stops_answering_after_a_request_is_caught(stand_in):
    fuzz, _figures = _fuzzer(stand_in)
    with fuzz.example():
        fuzz.send("GET", "/fine")
        StandIn.healthy = False  # what the request did to the service
    assert stand_in.restarts == 1
    with pytest.raises(AssertionError, match=r"(?s)service did not answer the next request.*GET /fine.*503"):
        fuzz.assert_sound()
