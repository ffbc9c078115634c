"""The calendar's metrics: pages answered from the page cache (before Flask) are counted like
any other request, and CalDAV's sync-collection REPORTs and writes by kind and outcome."""

from __future__ import annotations

import base64
import re

from tests.support.calendar import weekly_event
from tests.support.metrics import grew, scrape


def test_pages_from_the_calendars_page_cache_count_too(calendar_app, store, people):
    with store() as s:
        found = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        s.put(found.id, "cafe.ics", weekly_event("cafe", "Seniorencafé", ("Begegnung",), "Senioren", "", "PUBLIC"))
    before = scrape(calendar_app, "calendar")
    client = calendar_app.test_client()
    for _ in range(3):
        assert client.get("/calendar/").status_code == 200  # the first from Flask, then kept
    after = scrape(calendar_app, "calendar")
    route = {"route": "/calendar/"}
    assert grew(before, after, "treffpunkt_http_requests_total", method="GET", status="200", **route) == 3
    assert grew(before, after, "treffpunkt_http_page_cache_answers_total", **route) == 2
    assert grew(before, after, "treffpunkt_http_request_duration_seconds_count", method="GET", **route) == 3


CAL = "/dav/calendars/lena/lobeda/"


def test_caldav_syncs_and_writes_are_counted_by_kind_and_outcome(calendar_app, store, people):
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
    secret = base64.b64encode(f"lena:{people['lena']['app_password']}".encode()).decode()
    client = calendar_app.test_client()

    def dav(method, path, body=None, **headers):
        return client.open(path, method=method, data=body, headers={"Authorization": f"Basic {secret}", **headers})

    def sync(token=""):
        body = (
            f'<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token>'
            "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
        )
        return dav("REPORT", CAL, body, Depth="1")

    before = scrape(calendar_app, "calendar")
    ics = {"Content-Type": "text/calendar"}
    assert dav("PUT", CAL + "a.ics", weekly_event("a"), **ics).status_code == 201
    assert dav("PUT", CAL + "a.ics", weekly_event("a", "Neu"), **ics).status_code == 204
    assert dav("PUT", CAL + "a.ics", weekly_event("a"), **ics, **{"If-None-Match": "*"}).status_code == 412
    assert dav("PUT", CAL + "b.ics", b"kein Kalender", **ics).status_code == 403
    full = sync()
    assert full.status_code == 207
    token = re.search(rb"<D:sync-token>([^<]+)</D:sync-token>", full.data).group(1).decode()
    assert dav("DELETE", CAL + "a.ics").status_code == 204
    assert dav("DELETE", CAL + "a.ics").status_code == 404
    assert sync(token).status_code == 207
    assert sync("http://example.org/fremd").status_code == 403
    after = scrape(calendar_app, "calendar")

    writes = "treffpunkt_caldav_writes_total"
    for method, outcome, count in (
        ("PUT", "created", 1),
        ("PUT", "replaced", 1),
        ("PUT", "precondition_failed", 1),
        ("PUT", "refused", 1),
        ("DELETE", "deleted", 1),
        ("DELETE", "not_found", 1),
    ):
        assert grew(before, after, writes, method=method, outcome=outcome) == count, (method, outcome)
    syncs = "treffpunkt_caldav_sync_reports_total"
    assert grew(before, after, syncs, kind="full", outcome="answered") == 1
    assert grew(before, after, syncs, kind="incremental", outcome="answered") == 1
    assert grew(before, after, syncs, kind="incremental", outcome="refused") == 1
