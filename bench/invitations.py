"""Rooms you invite (issue 15): how soon a room answers an invitation made in a calendar program.

    .venv/bin/python bench/invitations.py             # 60 invitations one by one, 60 in a burst
    .venv/bin/python bench/invitations.py --quick     # smoke run: 8 and 8

`make run`'s shape: `treffpunkt run` with its demo data (SQLite files, the embedded broker, the
Celery worker in the same process) on a free port in a fresh folder. The demo account writes
events into its partner's calendar over CalDAV (PUT, as Thunderbird or Apple Calendar do),
each with one of the network's rooms as ATTENDEE (CUTYPE=ROOM, PARTSTAT=NEEDS-ACTION) on a day
of its own. The server asks the rooms service (through the outbox and Celery), rooms books or
declines, and the calendar writes the answer into the organizer's copy and an iTIP REPLY into
the schedule inbox, in one transaction. Measured from the PUT's answer until a GET of the event
shows the room's PARTSTAT (ACCEPTED, TENTATIVE or DECLINED): p50, p95 and the slowest, for
the first invitation right after the start (behind the messages the demo data sent), then, once
the file broker has been empty for two seconds, one invitation at a time, then a burst written
by four clients at once. At the end the
inbox must hold one REPLY per invitation.

Radicale and Xandikos, what a network would otherwise run, are given the same PUT: they store
it and the room never answers (they do no scheduling for rooms); their row says what a GET shows
after two seconds. Prints a Markdown table and writes it to bench/results/invitations-<date>.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import requests  # noqa: E402
from lxml import etree  # noqa: E402

from caldav_servers import free_port, start_radicale, start_xandikos  # noqa: E402

TREFFPUNKT = Path(sys.executable).with_name("treffpunkt")
DEMO = ("demo", "demo")  # make run's demo account and its app password
ANSWERED = (b"PARTSTAT=ACCEPTED", b"PARTSTAT=TENTATIVE", b"PARTSTAT=DECLINED")
POLL = 0.02
GIVE_UP = 30.0
NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav"}


@dataclass
class Run:
    label: str
    latencies: list[float]
    unanswered: int

    def row(self) -> str:
        if not self.latencies:
            return f"| {self.label} | {self.unanswered} | – | – | – | the room never answers |"
        ordered = sorted(self.latencies)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        return (
            f"| {self.label} | {len(ordered) + self.unanswered} | {statistics.median(ordered):.2f} | {p95:.2f} "
            f"| {ordered[-1]:.2f} | {self.unanswered} unanswered |"
        )


def event(uid: str, organizer: str, room: str, day: date) -> bytes:
    start = datetime.combine(day, datetime.min.time()).replace(hour=10)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Treffpunkt//bench invitations//DE",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261201T080000Z",
        f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Berlin:{start + timedelta(hours=1):%Y%m%dT%H%M%S}",
        "SUMMARY:Teamsitzung (Benchmark)",
        f"ORGANIZER;CN=Demo:{organizer}",
        f"ATTENDEE;CN=Demo;PARTSTAT=ACCEPTED;ROLE=CHAIR:{organizer}",
        f"ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;ROLE=NON-PARTICIPANT:{room}",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines).encode()


class MakeRun:
    """`treffpunkt run` with the demo data in `folder`, on a free port; stopped with Ctrl-C."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TREFFPUNKT_", "DATABASE", "REDIS"))}
        env |= {"TREFFPUNKT_DEMO": "1", "TREFFPUNKT_VAR": str(folder / "var")}
        self.log = (folder / "run.log").open("wb")
        self.process = subprocess.Popen(
            [str(TREFFPUNKT), "run", "--port", str(self.port)], env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"treffpunkt run ended with {self.process.returncode}: see {self.log.name}")
            try:
                if requests.get(f"{self.url}/rooms/login", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"treffpunkt run did not answer within 3 minutes: see {self.log.name}")

    def stop(self) -> None:
        self.process.send_signal(2)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def propfind(session: requests.Session, url: str, body: str, depth: str = "0") -> etree._Element:
    answer = session.request("PROPFIND", url, data=body.encode(), headers={"Depth": depth}, timeout=30)
    answer.raise_for_status()
    return etree.fromstring(answer.content)


def discover(session: requests.Session, base: str) -> tuple[str, str, str, list[str]]:
    """The demo account's address, a calendar it may write, its schedule inbox and the rooms'
    addresses, found as a calendar program finds them."""
    principal = propfind(
        session,
        f"{base}/dav/principals/demo/",
        '<propfind xmlns="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><prop>'
        "<c:calendar-user-address-set/><c:calendar-home-set/><c:schedule-inbox-URL/></prop></propfind>",
    )
    address = principal.findtext(".//c:calendar-user-address-set/d:href", namespaces=NS)
    home = principal.findtext(".//c:calendar-home-set/d:href", namespaces=NS)
    inbox = principal.findtext(".//c:schedule-inbox-URL/d:href", namespaces=NS)
    listing = propfind(
        session,
        base + home,
        '<propfind xmlns="DAV:"><prop><resourcetype/><current-user-privilege-set/></prop></propfind>',
        "1",
    )
    writable = [
        r.findtext("d:href", namespaces=NS)
        for r in listing.findall("d:response", NS)
        if r.find(".//c:calendar", NS) is not None and r.find(".//d:privilege/d:write", NS) is not None
    ]
    # the rooms, as Apple Calendar's location search finds them (RFC 3744 principal-property-search);
    # the demo's rooms reach the calendar through messages a moment after the start
    deadline = time.monotonic() + 60
    while not (addresses := room_addresses(session, base)) and time.monotonic() < deadline:
        time.sleep(0.5)
    if not (address and writable and inbox and addresses):
        raise SystemExit(f"discovery failed: {address=} {writable=} {inbox=} rooms={len(addresses)}")
    return address, writable[0], inbox, addresses


def room_addresses(session: requests.Session, base: str) -> list[str]:
    search = session.request(
        "REPORT",
        f"{base}/dav/principals/",
        data=b'<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        b'<D:property-search><D:prop><C:calendar-user-type/></D:prop><D:match match-type="equals">ROOM</D:match>'
        b"</D:property-search><D:prop><C:calendar-user-address-set/></D:prop></D:principal-property-search>",
        headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
        timeout=30,
    )
    search.raise_for_status()
    found = etree.fromstring(search.content).findall(".//c:calendar-user-address-set/d:href", NS)
    return [a.text for a in found if a.text]


def room_answered(body: bytes) -> bool:
    """Whether the room's ATTENDEE line (not the organizer's own) carries an answer."""
    lines = body.replace(b"\r\n ", b"").splitlines()
    return any(answer in line for line in lines if b"CUTYPE=ROOM" in line for answer in ANSWERED)


def invite_and_wait(session: requests.Session, url: str, data: bytes) -> float | None:
    """PUT the invitation, then GET until the room's answer is in it: seconds after the PUT's answer."""
    put = session.put(url, data=data, headers={"Content-Type": "text/calendar; charset=utf-8"}, timeout=30)
    if put.status_code not in (201, 204):
        raise SystemExit(f"PUT {url}: {put.status_code} {put.text[:300]}")
    written = time.monotonic()
    while time.monotonic() - written < GIVE_UP:
        if room_answered(session.get(url, timeout=30).content):
            return time.monotonic() - written
        time.sleep(POLL)
    return None


def settle(queue: Path, quiet: float = 2.0, longest: float = 180.0) -> None:
    """Wait until what the start sent is handled: make run's file broker holds no message for
    `quiet` seconds (the measured invitations then meet a system at rest, as in daily use)."""
    deadline, calm_since = time.monotonic() + longest, None
    while time.monotonic() < deadline:
        if any(queue.iterdir()):
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return
        time.sleep(0.1)


def measure(label: str, base: str, calendar: str, organizer: str, rooms: list[str], days: list[date], clients: int):
    def one(i: int) -> float | None:
        with requests.Session() as session:
            session.auth = DEMO
            uid = f"bench-{uuid.uuid4()}@treffpunkt"
            room = rooms[i % len(rooms)]
            return invite_and_wait(session, f"{base}{calendar}{uid}.ics", event(uid, organizer, room, days[i]))

    with ThreadPoolExecutor(clients) as pool:
        found = list(pool.map(one, range(len(days))))
    return Run(label, [s for s in found if s is not None], sum(s is None for s in found))


def peer_row(label: str, start, folder: Path, log) -> Run:
    """A peer given the same PUT: does the room's PARTSTAT change within two seconds?"""
    seed = ("seed.ics", event("seed@bench", "mailto:demo@example.org", "mailto:nobody@example.org", date.today()))
    server = start(folder, [seed], log)  # Xandikos' store is a git tree: it needs a first commit
    try:
        uid = f"bench-{uuid.uuid4()}@treffpunkt"
        data = event(uid, "mailto:demo@example.org", "mailto:raum-1@treffpunkt-jena.de", date.today() + timedelta(30))
        url = server.url(server.calendar + f"{uid}.ics")
        requests.put(url, data=data, auth=server.auth, timeout=30, headers={"Content-Type": "text/calendar"})
        time.sleep(2)
        body = requests.get(url, auth=server.auth, timeout=30).content
        answered = room_answered(body)
        return Run(f"{label}: PUT, GET after 2 s", [0.0] if answered else [], 0 if answered else 1)
    finally:
        server.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smoke run: 8 invitations each way, no peers")
    p.add_argument("--count", type=int, default=60, help="invitations per phase")
    p.add_argument("--out", default=str(HERE / "results"), help="folder for the Markdown result")
    args = p.parse_args()
    count = 8 if args.quick else args.count
    with tempfile.TemporaryDirectory(prefix="bench-invitations-") as tmp:
        folder = Path(tmp)
        run = MakeRun(folder)
        try:
            with requests.Session() as session:
                session.auth = DEMO
                organizer, calendar, inbox, rooms = discover(session, run.url)

                def common(chosen: list[date]) -> tuple:
                    return run.url, calendar, organizer, rooms, chosen

                first = date.today() + timedelta(days=40)
                days = [first + timedelta(days=i) for i in range(2 * count + 1)]
                # the first invitation waits behind what the demo data sent at the start
                runs = [measure("Treffpunkt (make run): first, right after the start", *common(days[-1:]), 1)]
                settle(folder / "var" / "broker" / "queue")
                runs += [
                    measure("Treffpunkt (make run): one at a time", *common(days[:count]), 1),
                    measure("Treffpunkt (make run): burst, 4 clients", *common(days[count : 2 * count]), 4),
                ]
                listing = propfind(
                    session, run.url + inbox, '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>', "1"
                )
                replies = len(listing.findall("d:response", NS)) - 1  # less the inbox itself
        finally:
            run.stop()
        if not args.quick:
            with (folder / "peers.log").open("wb") as log:
                for label, start in (("Radicale 3.9", start_radicale), ("Xandikos 0.4.10", start_xandikos)):
                    (folder / label).mkdir()
                    runs.append(peer_row(label, start, folder / label, log))
    header = [
        f"Rooms you invite: seconds from the PUT's answer until the room's PARTSTAT is in the event "
        f"({platform.node()}, {os.cpu_count()} CPUs, {date.today()})",
        "",
        "| server | invitations | p50 s | p95 s | slowest s | note |",
        "|---|---|---|---|---|---|",
    ]
    table = "\n".join(
        [*header, *(r.row() for r in runs), "", f"REPLYs in the schedule inbox: {replies} of {2 * count + 1}"]
    )
    print(table)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"invitations-{date.today()}{'-quick' if args.quick else ''}.md").write_text(table + "\n")
    if replies < 2 * count + 1 or any(r.unanswered for r in runs[:3]):
        raise SystemExit("some invitations were not answered")


if __name__ == "__main__":
    main()
