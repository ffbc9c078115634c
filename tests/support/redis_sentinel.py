"""A Redis Sentinel group of real processes for tests: a master, one replica and three sentinels
on free loopback ports in a temporary folder, with passwords on the servers and the sentinels
(as an operator would run them), quick to notice a dead master."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

MASTER_NAME = "treffpunkt"
PASSWORD = "server-secret"
SENTINEL_PASSWORD = "sentinel-secret"
QUORUM = 2
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 5000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SentinelGroup:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.master_port, self.replica_port = free_port(), free_port()
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        """REDIS_URL for the group."""
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)
        return f"redis+sentinel://:{PASSWORD}@{hosts}/{MASTER_NAME}/0?sentinel_password={SENTINEL_PASSWORD}"

    def __enter__(self) -> SentinelGroup:
        try:
            self._server("master", self.master_port)
            self._server("replica", self.replica_port, "--replicaof", "127.0.0.1", str(self.master_port))
            self._wait(lambda: self.server(self.replica_port).info("replication")["master_link_status"] == "up")
            for number, port in enumerate(self.sentinel_ports):
                self._sentinel(number, port)
            self._wait(self._sentinels_see_everyone)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def server(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, password=PASSWORD, socket_timeout=1, socket_connect_timeout=1)

    def sentinel(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, password=SENTINEL_PASSWORD, socket_timeout=1, socket_connect_timeout=1)

    def master_port_named(self) -> int | None:
        """The master's port as the sentinels name it (a majority of them agrees), or None."""
        named = []
        for port in self.sentinel_ports:
            try:
                address = self.sentinel(port).sentinel_get_master_addr_by_name(MASTER_NAME)
            except redis.RedisError:
                continue
            named.append(int(address[1]))
        best = max(set(named), key=named.count, default=None)
        return best if best is not None and named.count(best) >= QUORUM else None

    def kill_master(self) -> None:
        """SIGKILL: no shutdown, no last save, as when the machine dies."""
        self.processes["master"].send_signal(signal.SIGKILL)
        self.processes["master"].wait()

    def _server(self, name: str, port: int, *args: str) -> None:
        folder = self.folder / name
        folder.mkdir()
        self._start(
            name,
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", ""],
            ["--appendonly", "no", "--requirepass", PASSWORD, "--masterauth", PASSWORD, *args],
        )
        self._wait(lambda: self.server(port).ping())

    def _sentinel(self, number: int, port: int) -> None:
        folder = self.folder / f"sentinel-{number}"
        folder.mkdir()
        config = folder / "sentinel.conf"  # a file: a sentinel writes what it learns into it
        config.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {folder}\n"
            f"requirepass {SENTINEL_PASSWORD}\nsentinel sentinel-pass {SENTINEL_PASSWORD}\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master_port} {QUORUM}\n"
            f"sentinel auth-pass {MASTER_NAME} {PASSWORD}\n"
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}\n"
            f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MS}\n"
        )
        # `redis-server --sentinel` is what the redis-sentinel command runs: Debian ships that
        # command in a package of its own, redis-server's binary is here wherever Redis is
        self._start(f"sentinel-{number}", ["redis-server", str(config), "--sentinel"], [])

    def _start(self, name: str, command: list[str], args: list[str]) -> None:
        log = open(self.folder / f"{name}.log", "wb")
        self.processes[name] = subprocess.Popen([*command, *args], stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def _sentinels_see_everyone(self) -> bool:
        for port in self.sentinel_ports:
            state = self.sentinel(port).sentinel_master(MASTER_NAME)
            if state["num-other-sentinels"] != len(self.sentinel_ports) - 1 or state["num-slaves"] != 1:
                return False
        return True

    def wait_for_new_master(self, timeout: float = 30) -> float:
        """Seconds until the sentinels name the replica as master and it takes writes."""
        started = time.monotonic()
        self._wait(
            lambda: (
                self.master_port_named() == self.replica_port
                and self.server(self.replica_port).info("replication")["role"] == "master"
            ),
            timeout,
        )
        return time.monotonic() - started

    def _wait(self, ready, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if ready():
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                logs = "\n".join(f"{p.name}:\n{p.read_text()[-1500:]}" for p in self.folder.glob("*.log"))
                raise TimeoutError(f"Sentinel group not ready:\n{logs}")
            time.sleep(0.1)
