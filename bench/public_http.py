"""The public calendar over HTTP: the calendar app under gunicorn with the production config
(deploy/gunicorn.conf.py) on a free loopback port, and wrk (Debian's) as the load generator,
with a Lua script that reports p50/p95/p99, requests, bytes and answers by status as one JSON line."""

from __future__ import annotations

import http.client
import json
import math
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from public_data import sa_url
from served import served, stop

ROOT = Path(__file__).resolve().parent.parent
MARK = "WRK-JSON "

# wrk runs one Lua state per thread: `setup` keeps the threads so that `done` can add up what
# each one counted. `request` is defined only for several paths (it costs a call per request),
# `response` only when statuses are counted (it hands wrk's Lua the whole body).
LUA = r"""
local threads = {}
local paths = %(paths)s
local count_statuses = %(count)s
setup = function(thread) table.insert(threads, thread) end
if #paths > 1 then
  local i = 0
  request = function()
    i = i + 1
    return wrk.format(nil, paths[(i %% #paths) + 1])
  end
end
if count_statuses then
  statuses = {}
  response = function(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
end
done = function(summary, latency, requests)
  local by_status = {}
  if count_statuses then
    for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses")) do
        by_status[tostring(status)] = (by_status[tostring(status)] or 0) + n
      end
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do table.insert(parts, string.format('"%%s": %%d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests": %%d, "duration_us": %%d, "bytes": %%d, "non_2xx_3xx": %%d, "connect": %%d, '
    .. '"read": %%d, "write": %%d, "timeout": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, '
    .. '"statuses": {%%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
end
"""


@contextmanager
def calendar_server(
    calendar_db: str,
    identity_db: str,
    redis_url: str,
    workers: int | None,
    threads: int | None,
    folder: Path,
    max_requests: int | None = None,
):
    """Yields (base URL, log file) of the gunicorn-served calendar app (bench/served.py)."""
    urls = {"calendar_database_url": sa_url(calendar_db), "identity_database_url": sa_url(identity_db)}
    with served("calendar", urls, redis_url, folder, workers, threads, max_requests) as found:
        yield found


def restarts(log_path: Path, since: int) -> int:
    """Workers recycled (gunicorn's max_requests) according to the log after byte `since`."""
    with open(log_path, "rb") as log:
        log.seek(since)
        return log.read().count(b"Autorestarting worker")


def get(base: str, path: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, dict, bytes]:
    """One GET: (status, headers, body)."""
    host, port = base.split("://", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    base: str,
    paths: list[str],
    seconds: float,
    connections: int,
    threads: int,
    folder: Path,
    headers: dict | None = None,
    count_statuses: bool = False,
) -> dict:
    """Runs wrk against `paths` (taken in turn) for `seconds`; returns its figures, latencies in ms."""
    script = folder / f"wrk-{time.monotonic_ns()}.lua"
    lua_paths = "{" + ", ".join(json.dumps(p) for p in paths) + "}"
    script.write_text(LUA % {"paths": lua_paths, "count": "true" if count_statuses else "false", "mark": MARK})
    command = [
        "wrk",
        f"-t{max(1, min(threads, connections))}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "60s",  # a slow answer is measured, not dropped (wrk's default of 2 s leaves it out)
        "-s",
        str(script),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(base + paths[0])
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = process.communicate(timeout=seconds + 120)
    finally:
        stop(process, 5)
    line = next((l for l in out.splitlines() if l.startswith(MARK)), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err[-1500:]}{out[-1500:]}")
    figures = json.loads(line[len(MARK) :])
    seconds_run = figures["duration_us"] / 1e6
    figures.update(
        per_second=figures["requests"] / seconds_run if seconds_run else 0.0,
        bytes_per_answer=figures["bytes"] / figures["requests"] if figures["requests"] else 0.0,
        socket_errors=sum(figures[k] for k in ("connect", "read", "write", "timeout")),
        # no answer at all in the time (every worker stalled): no latency to speak of, and no target met
        **{k: figures[k] / 1000 if figures["requests"] else math.inf for k in ("p50", "p95", "p99", "max")},
    )
    return figures
