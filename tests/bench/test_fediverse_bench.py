"""Smoke test of bench/fediverse.py: the quick run delivers to every follower exactly once, the
failing inboxes after their retry. No timing assertions."""

from __future__ import annotations

import json

from tests.bench import run_bench
from tests.support import infra


def test_quick_fediverse_benchmark_delivers_everything_once(tmp_path):
    figures = tmp_path / "figures.json"
    run_bench(
        "fediverse.py",
        "--quick",
        "--db-prefix",
        f"{infra.PREFIX}_bench_fedi",
        "--redis",
        infra.REDIS_URL,
        "--out",
        str(tmp_path / "results"),
        "--json",
        str(figures),
    )
    result = json.loads(figures.read_text())
    assert result["errors"] == []
    assert (result["delivered"], result["lost"], result["duplicated"]) == (60, 0, 0)
    assert result["refused_503"] == result["failing_first"] > 0  # the failures really happened
    assert result["delivery_states"] == {"delivered": 60}
