"""gunicorn's side of counting in several worker processes (deploy/gunicorn.conf.py's hooks).

prometheus_client decides when it is first imported whether values go to files
(PROMETHEUS_MULTIPROC_DIR set) or stay in the process; the master sets the folder before any
worker imports the app, so this module imports prometheus_client only where it is used.

The folder is emptied at start: files of an earlier run would be added to this one's counts. A
worker that ends leaves its files (its counts stay in the sums); mark_process_dead removes only
what must not outlive it (live gauges; we count with counters and histograms)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's name
CREATED = "TREFFPUNKT_METRICS_DIR_CREATED"  # set when the folder is ours to remove at exit


def prepare_folder() -> Path:
    """The operator's PROMETHEUS_MULTIPROC_DIR, emptied, or a new folder of our own."""
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.db"):
            old.unlink()
        return folder
    folder = Path(tempfile.mkdtemp(prefix="treffpunkt-metrics-"))
    os.environ[MULTIPROCESS_DIR] = str(folder)
    os.environ[CREATED] = "1"
    return folder


def worker_ended(pid: int) -> None:
    from prometheus_client import multiprocess  # after prepare_folder(): see the module's doc

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def remove_own_folder() -> None:
    if os.environ.get(CREATED) and os.environ.get(MULTIPROCESS_DIR):
        shutil.rmtree(os.environ[MULTIPROCESS_DIR], ignore_errors=True)
