"""Calendars kept elsewhere (issue 16): how long it takes until a partner's calendar is here.

    .venv/bin/python bench/sources.py            # 1,000 events, 5 rounds
    .venv/bin/python bench/sources.py --quick    # smoke run: 60 events, 2 rounds

Radicale and Xandikos (PyPI) hold a partner's calendar of N events dated in the coming year
(every fifth a weekly series with an EXDATE and a moved date: bench/caldav_data.py). Treffpunkt
pulls it as a source into a read-only calendar (services/calendar/subscriptions/pull.py, in
this process, on a fresh PostgreSQL database): Radicale's collection GET as an ICS feed, and
both servers over CalDAV (sync-collection with a stored token).

The comparison is vdirsyncer (PyPI), what a partner might otherwise run to mirror the same
calendar into a folder (its `http` storage for the feed, `caldav` for CalDAV), run as a
subprocess the way people run it; its `discover` step is done beforehand and not counted.

Three moments, each the median of the rounds: the first pull (every event new; a fresh source
and a fresh folder each round), a pull with nothing changed, and a pull after one event changed
at the remote. "written" is how many events Treffpunkt's pull stored: only changes are.
Prints a Markdown table and writes it to bench/results/sources-<date>.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from sqlalchemy import create_engine  # noqa: E402

from shared.clock import utcnow  # noqa: E402
from shared.db import make_session_factory, transaction  # noqa: E402
from shared.migrate import upgrade  # noqa: E402

from services import calendar as calendar_service  # noqa: E402
from services.calendar.domain.source_draft import SourceDraft  # noqa: E402
from services.calendar.subscriptions import pull, sources  # noqa: E402
from services.calendar.subscriptions.remote import PullSettings  # noqa: E402
from services.calendar.subscriptions.sealing import Sealer  # noqa: E402

from bench_databases import drop_database, recreate_database, sa_url  # noqa: E402
from caldav_data import calendar as bench_calendar, changed  # noqa: E402
from caldav_servers import Server, start_radicale, start_xandikos  # noqa: E402

VDIRSYNCER = Path(sys.executable).with_name("vdirsyncer")
SETTINGS = PullSettings(allow_private=True, sealer=Sealer("", "bench-secret-for-measuring-only-not-for-production"))
MOMENTS = ("first pull", "nothing changed", "one event changed")


@dataclass
class Way:
    """One remote calendar and one way of reading it."""

    label: str
    server: Server
    kind: str  # "ics" | "caldav"

    @property
    def url(self) -> str:
        return self.server.url()


@dataclass
class Row:
    way: str
    moment: str
    ours: list[float]
    written: list[int]
    theirs: list[float]


class Ours:
    """Treffpunkt's side: a calendar database and a partner per source (a partner's sources
    skip the UIDs its other calendars hold, so each round's source belongs to a partner of its own)."""

    def __init__(self, db: str):
        self.db = db
        recreate_database(db)
        upgrade(calendar_service.MIGRATIONS, sa_url(db))
        self.engine = create_engine(sa_url(db))
        self.factory = make_session_factory(self.engine)
        self.partners = 0

    def add(self, way: Way) -> int:
        self.partners += 1
        auth = way.server.auth or ("bench", "")
        draft = SourceDraft(
            kind=way.kind, url=way.url, name=f"Quelle {self.partners}", username=auth[0] if way.kind == "caldav" else ""
        )
        password = (auth[1] or "x") if way.kind == "caldav" else ""
        with transaction(self.factory) as session:
            return sources.add(session, self.partners, draft, password, SETTINGS.sealer, None, utcnow()).id

    def pull(self, source_id: int) -> tuple[float, int]:
        """Seconds for one pull (made due first, as "Jetzt abrufen" does) and events written."""
        with transaction(self.factory) as session:
            sources.pull_now(session, source_id, utcnow())
        began = time.perf_counter()
        outcome = pull.pull_source(self.factory, source_id, SETTINGS, utcnow)
        seconds = time.perf_counter() - began
        if outcome.state != "ok":
            raise RuntimeError(f"pull of source {source_id}: {outcome.state} {outcome.reason}")
        return seconds, outcome.added + outcome.changed + outcome.removed

    def close(self, keep: bool) -> None:
        self.engine.dispose()
        if not keep:
            drop_database(self.db)


class Mirror:
    """vdirsyncer mirroring the same calendar into a folder of its own."""

    def __init__(self, folder: Path, way: Way):
        folder.mkdir(parents=True)
        auth = way.server.auth
        login = f'username = "{auth[0]}"\npassword = "{auth[1]}"\n' if auth and way.kind == "caldav" else ""
        self.config = folder / "config"
        self.config.write_text(
            f'[general]\nstatus_path = "{folder}/status/"\n\n'
            '[pair mirror]\na = "remote"\nb = "folder"\ncollections = null\nconflict_resolution = "a wins"\n\n'
            f'[storage remote]\ntype = "{"caldav" if way.kind == "caldav" else "http"}"\nurl = "{way.url}"\n{login}\n'
            f'[storage folder]\ntype = "filesystem"\npath = "{folder}/folder/"\nfileext = ".ics"\n'
        )
        (folder / "folder").mkdir()
        self._run("discover")

    def sync(self) -> float:
        began = time.perf_counter()
        self._run("sync")
        return time.perf_counter() - began

    def items(self) -> int:
        return len(list((self.config.parent / "folder").glob("*.ics")))

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [str(VDIRSYNCER), "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=1800,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise RuntimeError(f"vdirsyncer {' '.join(args)}: {done.stdout[-1000:]}{done.stderr[-2000:]}")


def measure(way: Way, ours: Ours, items, rounds: int, folder: Path, changes: Iterator[int]) -> list[Row]:
    """`changes` numbers the edits at the remote: every PUT must differ from all before it (a
    server that is given the same bytes again may rightly report nothing changed)."""
    first = Row(way.label, MOMENTS[0], [], [], [])
    same = Row(way.label, MOMENTS[1], [], [], [])
    one = Row(way.label, MOMENTS[2], [], [], [])
    source = mirror = None
    for n in range(rounds):
        source, mirror = ours.add(way), Mirror(folder / f"{way.label}-{n}".replace(" ", "-").replace(",", ""), way)
        seconds, written = ours.pull(source)
        first.ours.append(seconds)
        first.written.append(written)
        first.theirs.append(mirror.sync())
        if mirror.items() != len(items):  # the comparison only counts if it did the same work
            raise RuntimeError(f"vdirsyncer mirrored {mirror.items()} of {len(items)} events from {way.label}")
    assert source is not None and mirror is not None
    for n in range(rounds):
        _record(same, ours.pull(source), mirror.sync)
        name, data = items[(n * 7) % len(items)]
        answer = way.server.request(
            "PUT", way.server.calendar + name, changed(name, data, next(changes)), **{"Content-Type": "text/calendar"}
        )
        if answer.status_code not in (201, 204):
            raise RuntimeError(f"PUT {name} at {way.server.label}: {answer.status_code}")
        _record(one, ours.pull(source), mirror.sync)
    return [first, same, one]


def _record(row: Row, pulled: tuple[float, int], sync: Callable[[], float]) -> None:
    row.ours.append(pulled[0])
    row.written.append(pulled[1])
    row.theirs.append(sync())


def ms(values: list[float]) -> str:
    median = statistics.median(values)
    return f"{median * 1000:.0f} ms" if median < 10 else f"{median:.1f} s"


def table(rows: list[Row], events: int, rounds: int) -> str:
    lines = [
        f"Calendars kept elsewhere, {events} events, median of {rounds} rounds "
        f"({date.today()}, {platform.node()}, Python {platform.python_version()}):",
        "",
        "| remote calendar, read as | moment | Treffpunkt pull | written | vdirsyncer 0.21 sync |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        written = statistics.median(row.written)
        lines.append(f"| {row.way} | {row.moment} | {ms(row.ours)} | {written:.0f} | {ms(row.theirs)} |")
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=None, help="in the remote calendar (default 1000, quick 60)")
    p.add_argument("--rounds", type=int, default=None, help="per moment (default 5, quick 2)")
    p.add_argument("--quick", action="store_true", help="60 events, 2 rounds")
    p.add_argument("--db", default="treffpunkt_bench_sources", help="database name (dropped and recreated)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--out", default=str(HERE / "results"), help="folder for the Markdown result")
    args = p.parse_args(argv)
    args.events = args.events or (60 if args.quick else 1000)
    args.rounds = args.rounds or (2 if args.quick else 5)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    today = datetime.combine(date.today(), datetime.min.time())
    items = bench_calendar(args.events, today - timedelta(days=30))  # a month of history, a year ahead
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        folder = Path(tmp)
        ours = Ours(args.db)
        with open(folder / "servers.log", "w") as log:
            radicale = start_radicale(folder / "radicale", items, log)
            xandikos = start_xandikos(folder / "xandikos", items, log)
            changes = count(1)
            try:
                for way in (
                    Way("Radicale 3.9, ICS feed", radicale, "ics"),
                    Way("Radicale 3.9, CalDAV", radicale, "caldav"),
                    Way("Xandikos 0.4.10, CalDAV", xandikos, "caldav"),
                ):
                    rows += measure(way, ours, items, args.rounds, folder / "mirrors", changes)
            finally:
                radicale.stop()
                xandikos.stop()
                ours.close(args.keep)
    result = table(rows, args.events, args.rounds)
    print(result)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"sources-{date.today()}{'-quick' if args.quick else ''}.md").write_text(result + "\n")


if __name__ == "__main__":
    main()
