"""Start the three servers as subprocesses on free loopback ports, each with a temporary
folder, and fill them. Ours is filled over HTTP PUT (parallel); Radicale and Xandikos take
10k PUTs at a few items per second, so their storage is written directly in their own
on-disk format (Radicale: one .ics file per item; Xandikos: one git commit holding all items),
the same bytes as the PUTs would store. Their caches/indexes build on first use, as ours does."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

PY = sys.executable
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    label: str
    base: str
    calendar: str  # path of the calendar collection
    auth: tuple[str, str] | None
    process: subprocess.Popen
    feed: str | None = None  # our network feed; peers: the collection GET
    session: requests.Session = field(default_factory=requests.Session)

    def url(self, path: str = "") -> str:
        return self.base + (path or self.calendar)

    def request(self, method: str, path: str | None = None, body: bytes | None = None, **headers):
        if body is not None and method in ("PROPFIND", "REPORT"):
            headers.setdefault("Content-Type", "application/xml; charset=utf-8")
        response = self.session.request(
            method, self.url(path or ""), data=body, headers=headers, auth=self.auth, timeout=3600
        )
        return response

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.request("OPTIONS", url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start_ours(kind: str, folder: Path, items, log, db_prefix: str = "treffpunkt_bench") -> Server:
    process = subprocess.Popen(
        [
            PY,
            str(ROOT / "bench" / "caldav_serve_ours.py"),
            "--db",
            kind,
            "--dir",
            str(folder),
            "--db-prefix",
            db_prefix,
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        cwd=ROOT,
        text=True,
    )
    info = json.loads(process.stdout.readline())
    server = Server(
        f"ours ({'SQLite' if kind == 'sqlite' else 'PostgreSQL'})",
        f"http://127.0.0.1:{info['port']}",
        info["calendar"],
        (info["user"], info["password"]),
        process,
        feed="/feeds/network.ics",
    )
    put_all(server, items)
    return server


def put_all(server: Server, items, threads: int = 8) -> None:
    def put(item):
        name, data = item
        with requests.Session() as s:
            r = s.put(
                server.url(server.calendar + name),
                data=data,
                auth=server.auth,
                timeout=600,
                headers={"Content-Type": "text/calendar; charset=utf-8"},
            )
            if r.status_code not in (201, 204):
                raise RuntimeError(f"PUT {name} on {server.label}: {r.status_code} {r.text[:200]}")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, items))


def start_radicale(folder: Path, items, log) -> Server:
    collection = folder / "collection-root" / "bench" / "calendar"
    collection.mkdir(parents=True)
    (collection / ".Radicale.props").write_text(json.dumps({"tag": "VCALENDAR", "D:displayname": "Benchmark"}))
    for name, data in items:
        (collection / name).write_bytes(data)
    port = free_port()
    process = subprocess.Popen(
        [
            PY,
            "-m",
            "radicale",
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(folder),
            "--auth-type",
            "none",
            # its default (10,000 expanded instances per report) refuses a
            # one-month expand of this calendar with 400
            "--reporting-max-expand-occurrence",
            "1000000",
            "--logging-level",
            "warning",
        ],
        stdout=log,
        stderr=log,
    )
    server = Server(
        "Radicale 3.9", f"http://127.0.0.1:{port}", "/bench/calendar/", ("bench", "x"), process, feed="/bench/calendar/"
    )
    wait_for(server.base + "/")
    return server


def start_xandikos(folder: Path, items, log) -> Server:
    port = free_port()
    args = [PY, "-m", "xandikos", "--defaults", "-d", str(folder), "-l", "127.0.0.1", "-p", str(port)]
    first = subprocess.Popen(args, stdout=log, stderr=log)
    wait_for(f"http://127.0.0.1:{port}/")
    first.terminate()
    first.wait(10)
    _commit_all(folder / "user" / "calendars" / "calendar", items)
    process = subprocess.Popen(args, stdout=log, stderr=log)
    server = Server(
        "Xandikos 0.4.10",
        f"http://127.0.0.1:{port}",
        "/user/calendars/calendar/",
        None,
        process,
        feed="/user/calendars/calendar/",
    )
    wait_for(server.base + "/")
    return server


def _commit_all(path: Path, items) -> None:
    """Xandikos keeps a calendar as a git working tree whose index it reads: write the files,
    stage and commit them in one go (git's own CLI is much faster than one commit per PUT)."""
    for name, data in items:
        (path / name).write_bytes(data)
    git = ["git", "-C", str(path), "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench: load"], check=True)
