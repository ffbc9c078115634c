"""Real Celery worker processes on real Redis, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from shared.config import Settings

from services.notify.settings import NotifySettings

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(
        self,
        service: str,
        settings: Settings,
        log_dir: Path,
        extra_env: dict | None = None,
        concurrency: int = 1,
        pool: str = "solo",
        notify: NotifySettings | None = None,
    ):
        """`notify`: the notify service's settings, passed on as its environment like `settings`."""
        self.service = service
        self.log_path = log_dir / f"worker-{service}-{time.monotonic_ns()}.log"
        env = {
            **os.environ,
            **settings.to_env(),
            **(notify.to_env() if notify else {}),
            **(extra_env or {}),
            "PYTHONPATH": str(ROOT),
        }
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            f"services.{service}.worker",
            "worker",
            "-Q",
            service,
            "-n",
            f"{service}-{os.getpid()}-{time.monotonic_ns()}@test",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> Worker:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.service} exited early:\n{self.log()}")
            if b" ready." in self.log_path.read_bytes():
                return self
            time.sleep(0.2)
        raise TimeoutError(f"worker {self.service} not ready:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def kill(self) -> None:
        """SIGKILL the whole process group (the worker and any pool children)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def queue_length(redis_url: str, queue: str) -> int:
    return redis.Redis.from_url(redis_url).llen(queue)


def until(predicate, worker: Worker, timeout: float = 60.0) -> None:
    """Wait until `predicate()` holds; fail with the worker's log otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"condition not reached; worker log:\n{worker.log()}")


def wait_until(check, timeout: float = 45.0, what: str = "condition"):
    """The first truthy value of `check()`, polled; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def drain(redis_url: str, queues=("calendar", "rooms", "notify")) -> None:
    """Wait until the service queues are empty (every message handled), without fixed sleeps."""
    wait_until(lambda: all(queue_length(redis_url, q) == 0 for q in queues), what="empty queues")
    time.sleep(1)  # the last task may still be running after being taken off the queue
