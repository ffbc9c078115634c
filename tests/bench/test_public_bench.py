"""Smoke tests of bench/public_calendar.py at a tiny size, so that it cannot rot: every page is measured
with wrk against gunicorn, the conditional GET really gets 304s, and the databases and gunicorn
are gone afterwards, also after Ctrl-C. No timing is judged. Needs Debian's wrk."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from tests.support import infra
from tests.support.workers import ROOT

DB_PREFIX = f"{infra.PREFIX}_bench_public"
FIGURE = re.compile(r"\d+\.\d")


def _command(tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "bench/public_calendar.py",
        "--events",
        "200",
        "--offerings",
        "10",
        "--connections",
        "4",
        "--workers",
        "2",
        "--db-prefix",
        DB_PREFIX,
        "--redis",
        infra.REDIS_URL,
        "--out",
        str(tmp_path),
        *extra,
    ]


def _databases_left() -> list[str]:
    with psycopg.connect(infra.PG_BASE.replace("postgresql+psycopg://", "postgresql://") + "/postgres") as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (DB_PREFIX + "%",)).fetchall()
    return [name for (name,) in rows]


def _our_servers() -> list[int]:
    """Processes (gunicorn's master and workers) serving the benchmark's calendar database."""
    name, database = b"CALENDAR_DATABASE_URL=", f"/{DB_PREFIX}_calendar".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            env = (proc / "environ").read_bytes().split(b"\0") if proc.name.isdigit() else []
            if any(v.startswith(name) and v.endswith(database) for v in env):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_tiny_run_measures_every_page_and_leaves_nothing_behind(tmp_path):
    done = subprocess.run(
        # workers are not recycled here: in lockstep they could stall a one-second measurement
        _command(tmp_path, "--duration", "2", "--warmup", "0", "--max-requests", "0"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| `/")]
    assert len(rows) == 8, done.stdout
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(FIGURE.fullmatch(c) for c in cells[2:6]), cells  # req/s, p50, p95, p99
        assert cells[6] == "0", cells  # no answer outside 2xx/3xx, no socket error
    week, conditional = rows[0], rows[1]
    assert "/calendar/week/" in week and "/calendar/week/" in conditional
    answers = re.search(r"answers ([^|]*)\|", conditional)
    assert answers and re.fullmatch(r"304: [\d,]+ ", answers[1]), conditional  # only 304s, none rendered
    assert "/calendar/offering/<id>" in rows[2] and "district=Lobeda" in rows[3] and "q=caf" in rows[4]
    assert rows[5].startswith("| `/feeds/network.ics` |") and "/calendar/static/" in rows[7]
    assert re.search(r"Target p95 < 100 ms on every public page: \*\*(met|MISSED)\*\*", done.stdout)
    assert len(list(tmp_path.glob("public-*.md"))) == 1
    assert _databases_left() == []
    assert _our_servers() == []


def test_interrupted_run_stops_gunicorn_and_drops_its_databases(tmp_path):
    process = subprocess.Popen(
        _command(tmp_path, "--duration", "60", "--warmup", "0"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        seen = []
        for line in process.stderr:  # wait until the load is running against gunicorn
            seen.append(line)
            if "week page" in line:
                break
        assert process.poll() is None, "".join(seen)
        time.sleep(2)
        assert _our_servers(), "gunicorn should be serving now"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=90) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert _databases_left() == []
    assert _our_servers() == []
