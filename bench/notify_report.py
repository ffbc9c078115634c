"""Figures and the Markdown table of the notify benchmark."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of non-empty `values`."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def figures(
    args, sink, committed: dict[str, float], started: float, finished: float, killed_at, states: dict[str, int]
) -> dict:
    arrivals = sink.snapshot()
    expected = set(committed)
    arrived = expected & set(arrivals)
    latencies = [arrivals[m][0] - committed[m] for m in arrived]
    first_commit = min(committed.values()) if committed else started
    last_arrival = max((arrivals[m][0] for m in arrived), default=finished)
    span = max(1e-9, last_arrival - first_commit)
    return {
        "messages": args.messages,
        "committed": len(committed),
        "delivered": len(arrived),
        "lost": args.messages - len(arrived),
        "duplicated": sum(len(times) - 1 for times in arrivals.values()),
        "strangers": len(set(arrivals) - expected) + sink.unparsed,
        "seconds": span,
        "per_second": len(arrived) / span,
        "p50": percentile(latencies, 0.50) if latencies else None,
        "p99": percentile(latencies, 0.99) if latencies else None,
        "max": max(latencies) if latencies else None,
        "smtp_attempts": sink.attempts,
        "smtp_451": sink.refused,
        "killed_after": (killed_at - first_commit) if killed_at else None,
        "delivery_states": states,
        "workers": args.workers,
        "pool": args.pool,
        "concurrency": args.concurrency,
        "fail_rate": args.fail_rate,
        "rate": args.rate,
        "rate_email": args.rate_email,
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }


def _s(value) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _receipts(r: dict) -> str:
    if r.get("receipts", {}).get("taken_by") == "queue":
        return "left in Redis (no rooms worker; nothing comes due again during the run)"
    return "taken by a rooms worker, as in production"


def table(r: dict) -> str:
    offered = "as fast as one producer commits" if not r["rate"] else f"{r['rate']:.0f} commits/s"
    limit = f"{r['rate_email']:.0f} per second" if r["rate_email"] else "off"
    kill = f"one worker SIGKILLed at {r['killed_after']:.1f} s, another started" if r["killed_after"] else "none"
    lines = [
        f"## Notify benchmark, {r['when']}",
        "",
        f"{r['messages']} confirmations, each committed on its own into rooms' outbox (PostgreSQL), relayed",
        f"to Redis, {r['workers']} notify workers ({r['pool']}, concurrency {r['concurrency']}), a local aiosmtpd",
        f"sink answering 451 to {r['fail_rate']:.0%} of attempts; load: {offered}; kill: {kill};",
        f"notify's email rate limit: {limit}; receipts: {_receipts(r)}.",
        f"Machine: {r['machine']}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| messages per second (first commit → last arrival) | {r['per_second']:.1f} |",
        f"| wall time | {r['seconds']:.1f} s |",
        f"| latency commit → sink, p50 | {_s(r['p50'])} |",
        f"| latency commit → sink, p99 | {_s(r['p99'])} |",
        f"| latency commit → sink, max | {_s(r['max'])} |",
        f"| delivered | {r['delivered']} of {r['messages']} |",
        f"| lost | {r['lost']} |",
        f"| duplicated | {r['duplicated']} |",
        f"| SMTP attempts (451 answers) | {r['smtp_attempts']} ({r['smtp_451']}) |",
        f"| delivery rows by state | {', '.join(f'{k} {v}' for k, v in sorted(r['delivery_states'].items()))} |",
    ]
    rc = r.get("receipts")
    if rc and rc["taken_by"] == "worker":
        lines.append(
            f"| outbox rows confirmed by receipt (open; published again after {r['redeliver_after']:.0f} s) "
            f"| {rc['confirmed']} ({rc['open']}; {rc['published_again']}) |"
        )
    elif rc:
        lines.append(
            f"| receipts waiting in Redis (outbox rows published more than once) "
            f"| {rc['waiting_in_redis']} ({rc['published_again']}) |"
        )
    if r.get("strangers"):
        lines.append(f"| mails not from this run | {r['strangers']} |")
    return "\n".join(lines)
