"""Smoke tests of the benchmarks in bench/: each runs at a tiny size so it cannot rot; no timing
is judged."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.workers import ROOT


def run_bench(script: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`bench/<script>` with `args`, from the repository's root; it must end well (its output
    is in the message when not)."""
    done = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    return done
