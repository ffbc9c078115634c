"""The CalDAV benchmark at a tiny size, so that it cannot rot: every server starts, is filled,
answers every operation, and the table is written. No timing is asserted."""

from tests.bench import run_bench
from tests.support import infra


def test_benchmark_runs_at_tiny_size(tmp_path):
    out = tmp_path / "results"
    run_bench(
        "caldav_speed.py",
        "--events",
        "15",
        "--runs",
        "1",
        "--budget",
        "5",
        "--out",
        str(out),
        "--db-prefix",
        infra.PREFIX + "_bench",
    )
    table = next(out.glob("caldav-*.md")).read_text()
    for label in ("ours (SQLite)", "ours (PostgreSQL)", "Radicale 3.9", "Xandikos 0.4.10"):
        assert label in table
    rows = [line for line in table.splitlines() if line.startswith("| calendar-query")]
    assert len(rows) == 2 and all("n/a" not in row.split("|")[2] for row in rows)
    # every server found the same objects for the one-month queries
    found = {line.split(":", 1)[1].strip() for line in table.splitlines() if line.startswith("objects found")}
    assert len(found) == 1, found
