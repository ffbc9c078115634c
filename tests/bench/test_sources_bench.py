"""Smoke test of bench/sources.py: its quick run pulls a calendar from Radicale (as a feed and over
CalDAV) and from Xandikos (over CalDAV) into Treffpunkt, syncs the same with vdirsyncer, and
prints its table; the pulls write every event the first time, nothing when nothing changed, and
the one event changed at the remote after that. No timing is judged."""

from __future__ import annotations

from tests.bench import run_bench
from tests.support import infra


def test_quick_sources_benchmark_writes_only_what_changed(tmp_path):
    done = run_bench("sources.py", "--quick", "--db", f"{infra.PREFIX}_bench_sources", "--out", str(tmp_path))
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in done.stdout.splitlines() if " | " in line]
    measured = {(row[0], row[1]): row for row in rows if row[0] not in ("remote calendar, read as", "---")}
    for way in ("Radicale 3.9, ICS feed", "Radicale 3.9, CalDAV", "Xandikos 0.4.10, CalDAV"):
        assert measured[(way, "first pull")][3] == "60", measured
        assert measured[(way, "nothing changed")][3] == "0", measured
        assert measured[(way, "one event changed")][3] == "1", measured
    assert list(tmp_path.glob("sources-*-quick.md"))
