"""The fuzz harness: the real front door under gunicorn in a child process, a client that times
every request, and the figures of the run.

The property of every answer: status < 500, it comes within BOUND seconds, and afterwards the
service still answers its health check. A hang cannot be stopped inside one process, so the
service runs in its own, with an address-space limit (a runaway expansion meets MemoryError
there instead of taking the machine); after a hang or a death the harness kills it and starts a
fresh one. Failures are collected, not raised at once: a test sends all its examples (up to
HANGS_PER_TEST hangs), then fails with every distinct failure, each with the request that caused
it and the end of the server's traceback.

Knobs (environment): FUZZ_SCALE multiplies every test's examples (`make fuzz` sets it),
FUZZ_REQUEST_SECONDS is the bound (5), FUZZ_MEMORY_MB the child's address space (2048)."""

from __future__ import annotations

import base64
import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

from tests.fuzz.server import HEADER

ROOT = Path(__file__).resolve().parents[2]
BOUND = float(os.environ.get("FUZZ_REQUEST_SECONDS", "5"))
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))
MEMORY_MB = int(os.environ.get("FUZZ_MEMORY_MB", "2048"))
HANGS_PER_TEST = 3  # after this many hangs or deaths a test stops sending (each costs a restart)
SHOWN_PER_TEST = 8  # distinct failures written out in full per test


settings.register_profile(
    "treffpunkt-fuzz",
    derandomize=SCALE == 1,  # make test: the same examples every run
    database=None,
    deadline=None,  # our own bound per request (BOUND) instead of one per example
    # no shrinking: nothing fails inside an example (failures are collected), and a hang costs a restart
    phases=(Phase.explicit, Phase.generate, Phase.target),
    suppress_health_check=list(HealthCheck),
)


def fuzz_settings(n: int) -> settings:
    """The settings of a fuzz test that runs n examples (times FUZZ_SCALE)."""
    return settings(settings.get_profile("treffpunkt-fuzz"), max_examples=n * SCALE)


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    headers: dict
    body: bytes = b""

    def describe(self, limit: int = 700) -> str:
        lines = [f"{self.method} {self.path if len(self.path) < 300 else self.path[:300] + '…'}"]
        for name, value in self.headers.items():
            lines.append(f"{name}: {'(redacted)' if name.lower() == 'authorization' else value}")
        if self.body:
            excerpt = repr(self.body[:limit])
            lines.append(f"body ({len(self.body)} bytes): {excerpt}{'…' if len(self.body) > limit else ''}")
        return "\n      ".join(lines)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Failure:
    kind: str  # "error" (>= 500), "slow" (answered, too late), "hang" (no answer), "down" (health check),
    # "rule" (the answer breaks a rule the test states, e.g. a leaked file or a name that must be refused)
    sent: Sent
    detail: str
    where: str = ""  # the innermost frame of our code in the traceback, for grouping
    count: int = 1

    @property
    def key(self) -> tuple:
        if self.kind == "error" and self.where:
            return (self.kind, self.where, self.detail.splitlines()[0][:120])
        return (self.kind, self.sent.method, self.sent.path.split("?")[0][:80], self.detail[:60])

    def report(self, number: int) -> str:
        head = {
            "error": "answer >= 500",
            "slow": "answered too late",
            "hang": "no answer in time",
            "down": "service did not answer the next request",
            "rule": "answer breaks a rule",
        }[self.kind]
        times = f" ({self.count} examples)" if self.count > 1 else ""
        where = f"\n    at {self.where}" if self.where else ""
        return f"[{number}] {head}{times}{where}\n    request: {self.sent.describe()}\n    {self.detail}"


@dataclass
class Figures:
    """What the whole run did, printed at its end (tests/fuzz/conftest.py)."""

    examples: int = 0
    requests: int = 0
    errors: int = 0  # answers >= 500
    hangs: int = 0  # no answer within BOUND, or the service stopped answering
    slowest: float = 0.0
    slowest_request: str = ""
    skipped: int = 0  # examples not sent because their test had used up its hangs
    failures: list[str] = field(default_factory=list)  # full reports, per test
    statuses: Counter = field(default_factory=Counter)  # answers per status: how much got past the parsers

    def answered(self, sent: Sent, answer: Answer) -> None:
        self.requests += 1
        self.statuses[answer.status] += 1
        if answer.status >= 500:
            self.errors += 1
        if answer.seconds > self.slowest:
            self.slowest, self.slowest_request = answer.seconds, f"{sent.method} {sent.path[:100]}"

    def as_dict(self) -> dict:
        """Plain values, for an xdist worker to hand its figures to the controller."""
        return {**self.__dict__, "statuses": dict(self.statuses)}

    def add(self, other: dict) -> None:
        """Count in another process's figures (as_dict)."""
        for name in ("examples", "requests", "errors", "hangs", "skipped"):
            setattr(self, name, getattr(self, name) + other[name])
        if other["slowest"] > self.slowest:
            self.slowest, self.slowest_request = other["slowest"], other["slowest_request"]
        self.failures += other["failures"]
        self.statuses.update(other["statuses"])

    def line(self) -> str:
        return (
            f"fuzz: {self.examples} examples, {self.requests} requests, {self.errors} answers >= 500, "
            f"{self.hangs} hangs or deaths, {self.skipped} examples skipped after hangs, slowest answer "
            f"{self.slowest:.2f} s ({self.slowest_request}), bound {BOUND:g} s, scale {SCALE}; statuses "
            + " ".join(f"{status}×{n}" for status, n in sorted(self.statuses.items()))
        )


FIGURES = Figures()  # this process's tally, printed at the run's end (tests/conftest.py)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The front door under gunicorn (one worker, four threads, production config)."""

    def __init__(self, settings, folder: Path):
        self.settings, self.folder = settings, folder
        self.traces = folder / "tracebacks"
        self.traces.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.starts = 0

    def start(self) -> Server:
        self.port = _free_port()
        self.starts += 1
        self.log_path = self.folder / f"gunicorn-{self.starts}.log"
        env = {
            **os.environ,
            **self.settings.to_env(),
            "PYTHONPATH": str(ROOT),
            "FUZZ_TRACE_DIR": str(self.traces),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "4",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_LOGLEVEL": "warning",
        }
        command = [
            "prlimit",
            f"--as={MEMORY_MB * 1024 * 1024}",
            "--",
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--access-logfile",
            os.devnull,
            "tests.fuzz.server:create()",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the fuzz server exited at start:\n{self.log_tail()}")
            try:
                if raw_request(self.port, Sent("GET", "/rooms/healthz", {})).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the fuzz server did not come up:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own child's group, nothing else
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def traceback(self, request_id: int) -> str:
        path = self.traces / f"{request_id}.txt"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, size: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except OSError:
            return ""


def raw_request(port: int, sent: Sent, timeout: float = BOUND) -> Answer:
    """One request on a fresh connection, path and body exactly as given (http.client does not
    normalise `..` or re-quote, unlike requests)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        try:
            connection.request(sent.method, sent.path, body=sent.body or None, headers=sent.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (413) before reading the whole body: read that answer
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, dict(response.getheaders()), body, time.monotonic() - started)
    finally:
        connection.close()


_request_ids = itertools.count(1)
_OUR_FRAME = re.compile(r'File "[^"]*/((?:services|shared)/[^"]+)", line (\d+), in (\S+)')


def _summary(trace: str) -> tuple[str, str]:
    """(the innermost frame of our own code, the traceback's last frame and its exception line)."""
    frames = _OUR_FRAME.findall(trace)
    where = f"{frames[-1][0]}:{frames[-1][1]} in {frames[-1][2]}" if frames else ""
    lines = trace.rstrip().splitlines()
    last_frame = max((i for i, line in enumerate(lines) if line.startswith("  File ")), default=-1)
    frame = [line for line in lines[last_frame : last_frame + 2] if line.strip()] if last_frame >= 0 else []
    raised = next((line for line in lines[last_frame + 1 :] if line and not line.startswith(" ")), "")
    shown = [line[:300] for line in (*frame, raised) if line]
    return where, "traceback (end):\n      " + "\n      ".join(shown)


class Fuzzer:
    """One test's client: sends, checks the property, collects failures and the figures."""

    def __init__(
        self,
        server: Server,
        figures: Figures,
        name: str,
        health: str = "/rooms/healthz",
        user: str | None = None,
        secret: str | None = None,
        bound: float = BOUND,
    ):
        self.server, self.figures, self.name, self.health, self.bound = server, figures, name, health, bound
        self.auth = "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode() if user else None
        self.failures: dict[tuple, Failure] = {}
        self.hangs = 0
        self.last: Sent | None = None
        self.slowest = 0.0  # of the current example

    @property
    def exhausted(self) -> bool:
        return self.hangs >= HANGS_PER_TEST

    def send(
        self, method: str, path: str, body: bytes | str = b"", headers: dict | None = None, auth: bool = True
    ) -> Answer | None:
        """The answer, or None when there was none in time (recorded; the server was restarted)
        or when this test has used up its hangs (nothing sent)."""
        if self.exhausted:
            return None
        request_id = next(_request_ids)
        all_headers = {HEADER: str(request_id), **(headers or {})}
        if auth and self.auth and "Authorization" not in all_headers:
            all_headers["Authorization"] = self.auth
        sent = Sent(method, path, all_headers, body.encode("utf-8") if isinstance(body, str) else body)
        self.last = sent
        try:
            answer = raw_request(self.server.port, sent, self.bound)
        except TimeoutError:
            self._hung("hang", sent, f"no answer within {self.bound:g} s")
            return None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            self._hung(
                "down",
                sent,
                f"connection failed: {type(exc).__name__}: {exc}\n    server log (end):\n{self.server.log_tail(1500)}",
            )
            return None
        self.figures.answered(sent, answer)
        self.slowest = max(self.slowest, answer.seconds)
        if answer.status >= 500:
            where, trace = _summary(self.server.traceback(request_id))
            body_excerpt = answer.text[:300].replace("\n", " ")
            self._record(Failure("error", sent, f"answer {answer.status}: {body_excerpt}\n    {trace}", where))
        elif answer.seconds > self.bound:
            self._record(Failure("slow", sent, f"answered {answer.status} after {answer.seconds:.1f} s"))
        return answer

    @contextmanager
    def example(self):
        """One hypothesis example: counted, and followed by the health check."""
        if self.exhausted:
            self.figures.skipped += 1
            yield self
            return
        self.figures.examples += 1
        self.last, self.slowest = None, 0.0
        yield self
        self._target(self.slowest)
        if self.last is not None and not self.exhausted:
            self.check_health()

    def check_health(self) -> None:
        culprit = self.last
        try:
            answer = raw_request(self.server.port, Sent("GET", self.health, {}), self.bound)
            healthy = answer.status == 200
            detail = f"health check answered {answer.status}: {answer.text[:200]}"
        except (OSError, http.client.HTTPException) as exc:
            healthy, detail = False, f"health check failed: {type(exc).__name__}: {exc}"
        if not healthy:
            self._hung("down", culprit, detail)

    def violated(self, rule: str) -> None:
        """The last answer broke `rule` (a property the test checks itself)."""
        self._record(Failure("rule", self.last, rule))

    def _hung(self, kind: str, sent: Sent, detail: str) -> None:
        self.slowest = max(self.slowest, self.bound)
        self.hangs += 1
        self.figures.hangs += 1
        self._record(Failure(kind, sent, detail))
        self.server.restart()

    def _record(self, failure: Failure) -> None:
        known = self.failures.get(failure.key)
        if known is None:
            self.failures[failure.key] = failure
        else:
            known.count += 1

    @staticmethod
    def _target(seconds: float) -> None:
        """Steer hypothesis towards slow answers (targeted property-based testing)."""
        from hypothesis import target
        from hypothesis.control import currently_in_test_context

        if currently_in_test_context():
            target(seconds, label="answer seconds")

    def assert_sound(self) -> None:
        """Fail the test with every distinct failure it found, each with its request."""
        if not self.failures:
            return
        ordered = sorted(self.failures.values(), key=lambda f: (-f.count, f.kind))
        kinds = Counter(f.kind for f in ordered)
        shown = [f.report(i) for i, f in enumerate(ordered[:SHOWN_PER_TEST], 1)]
        more = len(ordered) - len(shown)
        text = (
            f"{self.name}: {len(ordered)} distinct failures ({dict(kinds)})"
            + (f", {HANGS_PER_TEST} hangs reached: the rest of the examples were not sent" if self.exhausted else "")
            + ":\n"
            + "\n".join(shown)
            + (f"\n... and {more} more" if more > 0 else "")
        )
        self.figures.failures.append(text)
        raise AssertionError(text)
