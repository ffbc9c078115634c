"""Smoke test of bench/rooms.py: the quick mode runs to the end against real PostgreSQL, Redis and
a gunicorn-served rooms app, prints its table and counts no double booking. No timing is judged."""

from __future__ import annotations

import re

from tests.bench import run_bench
from tests.support import infra


def _row(table: str, starts: str) -> list[str]:
    line = next((l for l in table.splitlines() if l.startswith(starts)), None)
    assert line is not None, f"no row starting {starts!r} in:\n{table}"
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_quick_rooms_benchmark_completes_without_double_bookings(tmp_path):
    done = run_bench(
        "rooms.py",
        "--quick",
        # a dozen racing connections, not 50: the other test worker holds its own meanwhile,
        # and the machine's PostgreSQL allows 100 in all
        "--race-clients",
        "12",
        "--db",
        f"{infra.PREFIX}_bench_rooms",
        "--redis",
        infra.REDIS_URL,
        "--out",
        str(tmp_path),
        timeout=900,
    )
    table = done.stdout

    for label in (
        "| (a) 52-week conflict check — service:",
        "| (a) 52-week conflict check — comparison: one SQL, 52 OR",
        "| (a) 52-week conflict check — comparison: one SQL, GiST",
        "| (b) free rooms for a 2-hour window",
        "| (c) POST /api/rooms/bookings",
    ):
        cells = _row(table, label)
        assert re.fullmatch(r"\d+\.\d", cells[1]) and re.fullmatch(r"\d+\.\d", cells[2]), cells  # p50, p99 printed

    same_slot = _row(table, "| (d) same slot through the API")
    assert same_slot[1:5] == ["12", "1", "11", "0"], same_slot  # clients, 201, 409, other
    assert same_slot[-1] == "**0**", same_slot
    series = _row(table, "| (d) overlapping weekly series")
    assert series[-1] == "**0**" or series[-1].startswith("not run"), series
    naive = _row(table, "| naive check-then-insert")
    assert re.fullmatch(r"\*\*\d+\*\*", naive[-1]), naive  # counted (how many depends on the scheduler)
    assert "Overlapping valid occurrences in the whole database after the run: **0**" in table

    written = list(tmp_path.glob("rooms-*-quick.md"))
    assert len(written) == 1 and "| (d) same slot through the API" in written[0].read_text()
