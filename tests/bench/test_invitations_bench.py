"""Smoke test of bench/invitations.py: make run's shape answers every invitation of its quick run
(each room's PARTSTAT written back, one REPLY per invitation in the schedule inbox) and it prints
its table. No timing is judged."""

from __future__ import annotations

from tests.bench import run_bench


def test_quick_invitations_benchmark_gets_every_rooms_answer(tmp_path):
    done = run_bench("invitations.py", "--quick", "--out", str(tmp_path))
    rows = [line for line in done.stdout.splitlines() if line.startswith("| Treffpunkt")]
    assert len(rows) == 3 and all(row.endswith("| 0 unanswered |") for row in rows), done.stdout
    assert "REPLYs in the schedule inbox: 17 of 17" in done.stdout
    assert list(tmp_path.glob("invitations-*-quick.md"))
