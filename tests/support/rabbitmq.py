"""A RabbitMQ virtual host of a test's own: made before it, deleted after it with every queue,
exchange and message Celery left in it (RabbitMQ keeps durable ones across runs). Its own host
also keeps the test's workers away from anyone else's queues of the same names (a benchmark on
the default host).

Virtual hosts are made with `rabbitmqctl` (no management plugin is needed), which must run as
root or as RabbitMQ's user on the machine that runs RabbitMQ. Every failure says what failed;
nothing waits for a RabbitMQ that does not answer.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from tests.support.infra import AMQP_URL, InfrastructureMissing

CTL_TIMEOUT = 30  # seconds for one rabbitmqctl call (each takes well under one here)


def _ctl(*args: str) -> str:
    try:
        done = subprocess.run(["rabbitmqctl", "--quiet", *args], capture_output=True, text=True, timeout=CTL_TIMEOUT)
    except FileNotFoundError as exc:
        raise InfrastructureMissing("rabbitmqctl is not installed: it makes the test's virtual host") from exc
    except subprocess.TimeoutExpired as exc:
        raise InfrastructureMissing(f"`rabbitmqctl {' '.join(args)}` did not answer in {CTL_TIMEOUT} s") from exc
    if done.returncode != 0:
        raise InfrastructureMissing(
            f"`rabbitmqctl {' '.join(args)}` failed ({done.returncode}): {(done.stderr or done.stdout).strip()}"
        )
    return done.stdout


def _reachable(url: str) -> None:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 5672), timeout=3).close()
    except OSError as exc:
        raise InfrastructureMissing(f"RabbitMQ at {parts.hostname}:{parts.port} is unreachable ({exc})") from exc


def _user(url: str) -> str:
    return unquote(urlsplit(url).username or "guest")


@contextmanager
def virtual_host(name: str, url: str = AMQP_URL) -> Iterator[str]:
    """RabbitMQ's virtual host `name`, new and empty, for the user of `url`; yields `url` with
    it. One an earlier, interrupted run left behind is deleted first."""
    _reachable(url)
    if name in _ctl("list_vhosts", "--no-table-headers", "name").split():
        _ctl("delete_vhost", name)
    _ctl("add_vhost", name)
    try:
        _ctl("set_permissions", "--vhost", name, _user(url), ".*", ".*", ".*")
        yield urlunsplit(urlsplit(url)._replace(path="/" + quote(name, safe="")))
    finally:
        _ctl("delete_vhost", name)


def queues(name: str) -> dict[str, int]:
    """The queues of virtual host `name` with the messages each holds."""
    listed = _ctl("list_queues", "--vhost", name, "--no-table-headers", "name", "messages")
    return {queue: int(count) for queue, count in (line.split("\t") for line in listed.splitlines() if line.strip())}
