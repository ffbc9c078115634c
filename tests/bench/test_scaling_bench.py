"""Smoke test of bench/scaling.py: the quick run starts the production shape with one Celery
worker process per queue, every booking of its burst is created and confirmed by exactly one
email, and it prints its table. No timing is judged."""

from __future__ import annotations

from tests.bench import run_bench
from tests.support import infra


def test_quick_scaling_benchmark_mails_one_confirmation_per_booking(tmp_path):
    done = run_bench(
        "scaling.py",
        "--quick",
        "--concurrency",
        "1",
        "--db-prefix",
        f"{infra.PREFIX}_bench_scaling",
        "--redis",
        infra.REDIS_URL,
        "--out",
        str(tmp_path),
    )
    (row,) = [line for line in done.stdout.splitlines() if line.startswith("| Redis | 1 |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:5] == ["40", "40", "40"], cells  # sent, created, mailed
    assert float(cells[5]) > 0, cells  # a rate, not "incomplete"
    assert list(tmp_path.glob("scaling-*-quick.md"))
