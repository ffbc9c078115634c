"""CalDAV's counts for the metrics (shared/metrics): sync-collection REPORTs answered, a first
(full) sync or one since a token (incremental), and writes of calendar objects (PUT, DELETE),
each by outcome. Counted once per request, from the status it was answered with."""

from __future__ import annotations

from lxml import etree

from shared.metrics.registry import Metrics

from services.calendar.dav.webdav import DAV, clark

KEY = "calendar_dav_counts"  # app.extensions
SYNC_KIND = "dav_sync_kind"  # flask.g: set by a sync-collection REPORT
OUTCOMES = {
    201: "created",
    207: "answered",
    400: "bad_request",
    403: "refused",  # for sync-collection mostly an unknown token: the client syncs fully next
    404: "not_found",
    409: "uid_conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_type",
}


def outcome(method: str, status: int) -> str:
    if status == 204:
        return "deleted" if method == "DELETE" else "replaced"
    return OUTCOMES.get(status, str(status))  # the few other statuses as they are


def sync_kind(root: etree._Element | None) -> str | None:
    """The kind ("full" or "incremental") of a sync-collection REPORT's body, None for any other."""
    if root is None or root.tag != clark(DAV, "sync-collection"):
        return None
    return "incremental" if (root.findtext(clark(DAV, "sync-token")) or "").strip() else "full"


class DavCounts:
    def __init__(self, metrics: Metrics) -> None:
        self.syncs = metrics.counter(
            "treffpunkt_caldav_sync_reports", "sync-collection REPORTs, by kind and outcome.", ["kind", "outcome"]
        )
        self.writes = metrics.counter(
            "treffpunkt_caldav_writes", "PUT and DELETE of calendar objects, by outcome.", ["method", "outcome"]
        )

    def record(self, method: str, status: int, kind: str | None) -> None:
        if kind is not None:
            self.syncs.labels(kind, outcome(method, status)).inc()
        if method in ("PUT", "DELETE"):
            self.writes.labels(method, outcome(method, status)).inc()
