"""One service's metrics and their exposition.

Counters and histograms live in the process that counts (gunicorn runs several workers). With
PROMETHEUS_MULTIPROC_DIR set (deploy/gunicorn.conf.py does, processes.py) prometheus_client keeps
each process's values in files there, and a scrape, whichever worker answers it, sums every
file, those of workers that have since ended included. Without it (make run, the tests) the
values stay in the process. What is read from the database or the broker is not counted but
asked when Prometheus scrapes (`at_scrape`), once per scrape, by the worker that answers it.

Each app keeps its own registry: make run and the tests run all four apps in one process, and
each service's /metrics shows its own figures only."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

from shared.metrics.processes import MULTIPROCESS_DIR

log = logging.getLogger(__name__)
KEY = "metrics"  # app.extensions


class AtScrape:
    """The parts of a scrape computed on the spot. A part that fails (database or broker away,
    statement timeout) is left out and says so in treffpunkt_scrape_part_ok, instead of failing
    the whole scrape: the other figures are what the operator needs most then."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, Callable[[], Iterable[Metric]]]] = []

    def collect(self) -> Iterator[Metric]:
        ok = GaugeMetricFamily(
            "treffpunkt_scrape_part_ok", "1 when this part of the scrape could be read, else 0.", labels=["part"]
        )
        for name, families in self.parts:
            try:
                found = list(families())
            except Exception as exc:  # report, do not fail: see the class's doc
                log.warning("metrics: %s could not be read: %s: %s", name, type(exc).__name__, exc)
                ok.add_metric([name], 0)
                continue
            ok.add_metric([name], 1)
            yield from found
        yield ok


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.scraped = AtScrape()

    def counter(self, name: str, documentation: str, labels: Sequence[str]) -> Counter:
        return Counter(name, documentation, labels, registry=self.registry)

    def histogram(self, name: str, documentation: str, labels: Sequence[str], buckets: Sequence[float]) -> Histogram:
        return Histogram(name, documentation, labels, registry=self.registry, buckets=buckets)

    def at_scrape(self, name: str, families: Callable[[], Iterable[Metric]]) -> None:
        """`families()` is called on every scrape; it may raise (see AtScrape)."""
        self.scraped.parts.append((name, families))

    def exposition(self) -> bytes:
        """Prometheus' text format: counted values (of every worker process, see the module's
        doc) and the parts asked now."""
        registry = CollectorRegistry()
        directory = os.environ.get(MULTIPROCESS_DIR)
        if directory:
            MultiProcessCollector(registry, directory)  # type: ignore[no-untyped-call]
        else:
            registry.register(self.registry)
        registry.register(self.scraped)
        return generate_latest(registry)


def of(app: Flask) -> Metrics:
    metrics: Metrics = app.extensions[KEY]
    return metrics
