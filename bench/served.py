"""One service app under gunicorn with the production config (deploy/gunicorn.conf.py) on a free
loopback port, for the benchmarks that measure over HTTP (rooms, public calendar): started in
its own process group, waited for until its /healthz answers, stopped with the whole group
afterwards, also when the benchmark is interrupted."""

from __future__ import annotations

import base64
import http.client
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shared.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    service: str,
    database_urls: dict[str, str],
    redis_url: str,
    folder: Path,
    workers: int | None,
    threads: int | None,
    max_requests: int | None = None,
    secret_key: str | None = None,
) -> Iterator[tuple[str, Path]]:
    """Yields (base URL, log file). `database_urls`: Settings' keyword arguments, e.g.
    identity_database_url; `workers`, `threads` and `max_requests` override the config file's
    (None: as deploy/gunicorn.conf.py has them, see config_value); `secret_key` is the app's
    (for a benchmark that signs links itself; None: a new random one)."""
    port = free_port()
    settings = Settings.from_env(
        secret_key=secret_key or base64.b64encode(os.urandom(36)).decode(),
        broker_url=redis_url,
        public_url=f"http://127.0.0.1:{port}",
        demo=False,
        **database_urls,
    )
    env = {
        **os.environ,
        **settings.to_env(),
        "TREFFPUNKT_VAR": str(folder),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **({} if workers is None else {"WEB_CONCURRENCY": str(workers)}),
        **({} if threads is None else {"GUNICORN_THREADS": str(threads)}),
    }
    log_path = folder / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy/gunicorn.conf.py"),
                *([] if max_requests is None else ["--max-requests", str(max_requests)]),
                f"services.{service}:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # Ctrl-C reaches the benchmark, which stops gunicorn in order
        )
        try:
            _wait_healthy(port, f"/{service}/healthz", process, log_path)
            yield f"http://127.0.0.1:{port}", log_path
        finally:
            stop(process)


def config_value(name: str):
    """A setting of deploy/gunicorn.conf.py as gunicorn would read it here (with this environment)."""
    return runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))[name]


def stop(process: subprocess.Popen, seconds: float = 30) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def _wait_healthy(port: int, path: str, process: subprocess.Popen, log_path: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{path} not healthy after {seconds}s:\n{log_path.read_text()[-3000:]}")
