"""CalDAV benchmark: the same calendar in our server (SQLite and PostgreSQL), Radicale and
Xandikos, each started here on loopback; medians of repeated requests, as a Markdown table.

    .venv/bin/python bench/caldav_speed.py [--events 10000] [--runs 5] [--budget 120] [--only ours]

Each operation is run once untimed (caches warm up, for every server alike), then up to
--runs times or until --budget seconds are spent on it. Writes bench/results/caldav-<date>.md."""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import caldav_data as bench_data
import caldav_servers as servers

MONTH = ("20260601T000000Z", "20260701T000000Z")
NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"'
PROPFIND = f"<d:propfind {NS}><d:prop><d:getetag/><d:getcontenttype/></d:prop></d:propfind>"
QUERY = (
    f"<c:calendar-query {NS}><d:prop><d:getetag/><c:calendar-data{{expand}}</d:prop><c:filter>"
    f'<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="{MONTH[0]}" '
    f'end="{MONTH[1]}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>'
)
PLAIN = QUERY.replace("{expand}", "/>")
EXPAND = QUERY.replace("{expand}", f'><c:expand start="{MONTH[0]}" end="{MONTH[1]}"/></c:calendar-data>')
SYNC = (
    f"<d:sync-collection {NS}><d:sync-token>{{token}}</d:sync-token><d:sync-level>1</d:sync-level>"
    f"<d:prop><d:getetag/></d:prop></d:sync-collection>"
)
TOKEN = re.compile(rb"<(?:\w+:)?sync-token>([^<]*)</")
OPERATIONS = (
    "PROPFIND depth 1",
    "calendar-query, one month",
    "calendar-query with expand, one month",
    "calendar-multiget of 100",
    "sync-collection after one change",
    "GET network feed",
)


def expect(response, *codes):
    if response.status_code not in codes:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} {response.text[:300]}")
    return response


def multiget_body(server, names) -> str:
    hrefs = "".join(f"<d:href>{server.calendar}{n}</d:href>" for n in names)
    return f"<c:calendar-multiget {NS}><d:prop><d:getetag/><c:calendar-data/></d:prop>{hrefs}</c:calendar-multiget>"


def timed(fn, runs: int, budget: float) -> tuple[float, float]:
    """(first, median of the following runs); fn returns seconds, or None when unsupported."""
    first = fn()
    if first is None:
        return None, None
    times, spent = [], first
    while len(times) < runs and spent < budget:
        t = fn()
        times.append(t)
        spent += t
    return first, statistics.median(times or [first])


def operations(server, items, counter, matches):
    count = lambda body: len(re.findall(rb"<(?:\w+:)?response>", body))  # noqa: E731
    names = [n for n, _ in items]
    step = max(1, len(names) // 100)
    multiget = multiget_body(server, names[::step][:100]).encode()
    state = {"token": None}
    by_name = dict(items)

    def clock(method, path, body=None, codes=(207,), **headers):
        t = time.perf_counter()
        response = server.request(method, path, body, **headers)
        elapsed = time.perf_counter() - t
        expect(response, *codes)
        return elapsed, response

    def propfind():
        return clock("PROPFIND", None, PROPFIND.encode(), Depth="1")[0]

    def counted(key, body):
        elapsed, response = clock("REPORT", None, body, Depth="1")
        matches[key] = count(response.content)  # the same on every server, or the table says so
        return elapsed

    def query():
        return counted("query", PLAIN.encode())

    def expand():
        return counted("expand", EXPAND.encode())

    def multi():
        return clock("REPORT", None, multiget, Depth="1")[0]

    def sync():
        if state["token"] is None:
            response = server.request("REPORT", None, SYNC.format(token="").encode(), Depth="1")
            if response.status_code != 207 or not TOKEN.search(response.content):
                return None
            state["token"] = TOKEN.search(response.content).group(1).decode()
        counter[0] += 1
        name = names[counter[0] % len(names)]
        expect(
            server.request(
                "PUT",
                server.calendar + name,
                bench_data.changed(name, by_name[name], counter[0]),
                **{"Content-Type": "text/calendar"},
            ),
            201,
            204,
        )
        elapsed, response = clock("REPORT", None, SYNC.format(token=state["token"]).encode(), Depth="1")
        state["token"] = TOKEN.search(response.content).group(1).decode()
        assert count(response.content) >= 1, "sync-collection found no change"
        return elapsed

    def feed():
        response = server.request("GET", server.feed)
        if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith("text/calendar"):
            return None
        return clock("GET", server.feed, codes=(200,))[0]

    return dict(zip(OPERATIONS, (propfind, query, expand, multi, sync, feed)))


def fmt(seconds) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(peer, ours) -> str:
    if peer is None or ours is None:
        return "n/a"
    return f"{peer / ours:.0f}×" if peer / ours >= 10 else f"{peer / ours:.1f}×"


def table(results: dict, n: int, extra: dict) -> str:
    labels = list(results)
    ours = [l for l in labels if l.startswith("ours")] or []
    peers = [l for l in labels if not l.startswith("ours")]
    head = ["operation (median)", *labels] + [f"{p.split()[0]} ÷ {o.split('(')[1][:-1]}" for p in peers for o in ours]
    lines = [
        f"CalDAV benchmark, {n} events (a fifth weekly series with EXDATE and an override), {date.today().isoformat()}",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for op in OPERATIONS:
        row = [op] + [fmt(results[l][op][1]) for l in labels]
        row += [ratio(results[p][op][1], results[o][op][1]) for p in peers for o in ours]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "First (untimed warm-up) run of each operation: "
        + "; ".join(
            f"{l}: " + ", ".join(f"{op.split(',')[0]} {fmt(results[l][op][0])}" for op in OPERATIONS) for l in labels
        ),
    ]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per operation and server")
    parser.add_argument("--only", choices=("ours", "peers", "all"), default="all")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"))
    parser.add_argument("--db-prefix", default="treffpunkt_bench", help="PostgreSQL databases <prefix>_* (recreated)")
    args = parser.parse_args()
    items = bench_data.calendar(args.events)
    starters = [("sqlite", servers.start_ours), ("postgresql", servers.start_ours)] if args.only != "peers" else []
    if args.only != "ours":
        starters += [("radicale", servers.start_radicale), ("xandikos", servers.start_xandikos)]
    results, extra, counter = {}, {}, [0]
    with tempfile.TemporaryDirectory(prefix="treffpunkt-bench-") as tmp:
        log = open(Path(tmp) / "servers.log", "w")
        for kind, start in starters:
            folder = Path(tmp) / kind
            folder.mkdir()
            t = time.perf_counter()
            server = (
                start(kind, folder, items, log, args.db_prefix)
                if start is servers.start_ours
                else start(folder, items, log)
            )
            extra[f"load {server.label}"] = f"{time.perf_counter() - t:.1f} s"
            print(f"{server.label}: loaded {len(items)} items in {extra[f'load {server.label}']}", flush=True)
            try:
                matches = {}
                ops = operations(server, items, counter, matches)
                results[server.label] = {}
                for op, fn in ops.items():
                    try:
                        results[server.label][op] = timed(fn, args.runs, args.budget)
                    except (RuntimeError, AssertionError) as exc:  # a refusal is a result too
                        results[server.label][op] = (None, None)
                        extra[f"{server.label}, {op}"] = f"refused: {str(exc)[:160]}"
                    print(
                        f"  {op}: {fmt(results[server.label][op][1])} (first {fmt(results[server.label][op][0])})",
                        flush=True,
                    )
                extra[f"objects found by the one-month queries on {server.label}"] = str(matches)
            finally:
                server.stop()
    text = table(results, args.events, extra)
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"caldav-{date.today().isoformat()}.md").write_text(text)


if __name__ == "__main__":
    main()
