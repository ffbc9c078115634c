"""Radicale and Xandikos started by a test as the remote calendars partners keep elsewhere
(tests/calendar/test_sources_*.py): real servers on free loopback ports, each with a calendar
collection to PUT events into, change and delete. Radicale also serves the collection as one
.ics on GET (an ICS source); both answer sync-collection (a CalDAV source)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.request("OPTIONS", url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Peer:
    def __init__(self, label: str, base: str, calendar: str, process: subprocess.Popen):
        self.label, self.base, self.calendar_path, self.process = label, base, calendar, process

    @property
    def calendar_url(self) -> str:
        return self.base + self.calendar_path

    def put(self, name: str, data: bytes) -> None:
        answer = requests.put(
            self.calendar_url + name,
            data=data,
            headers={"Content-Type": "text/calendar; charset=utf-8"},
            auth=("partner", "geheim"),
            timeout=30,
        )
        assert answer.status_code in (201, 204), f"{self.label} PUT {name}: {answer.status_code} {answer.text[:200]}"

    def delete(self, name: str) -> None:
        answer = requests.delete(self.calendar_url + name, auth=("partner", "geheim"), timeout=30)
        assert answer.status_code in (200, 204), f"{self.label} DELETE {name}: {answer.status_code}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@contextmanager
def radicale(folder: Path, log) -> Iterator[Peer]:
    collection = folder / "collection-root" / "partner" / "kalender"
    collection.mkdir(parents=True)
    (collection / ".Radicale.props").write_text(json.dumps({"tag": "VCALENDAR", "D:displayname": "Haus"}))
    port = free_port()
    args = [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}"]
    args += ["--storage-filesystem-folder", str(folder), "--auth-type", "none", "--logging-level", "warning"]
    process = subprocess.Popen(args, stdout=log, stderr=log)
    peer = Peer("Radicale", f"http://127.0.0.1:{port}", "/partner/kalender/", process)
    try:
        wait_for(peer.base + "/")
        yield peer
    finally:
        peer.stop()


@contextmanager
def xandikos(folder: Path, log) -> Iterator[Peer]:
    port = free_port()
    args = [sys.executable, "-m", "xandikos", "--defaults", "-d", str(folder), "-l", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(args, stdout=log, stderr=log)
    peer = Peer("Xandikos", f"http://127.0.0.1:{port}", "/user/calendars/calendar/", process)
    try:
        wait_for(peer.base + "/")
        yield peer
    finally:
        peer.stop()


def event(uid: str, summary: str, start: str, end: str, extra: str = "") -> bytes:
    """One VEVENT in Europe/Berlin (a floating start as some exporters write: the import reads it
    as local time), as a partner's calendar program would PUT it."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Test//Partner//DE",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261201T080000Z",
        f"DTSTART;TZID=Europe/Berlin:{start}",
        f"DTEND;TZID=Europe/Berlin:{end}",
        f"SUMMARY:{summary}",
        *([extra] if extra else []),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines).encode()
