"""Sources pulled from real servers the tests start: Radicale and Xandikos as a partner's CalDAV
calendar (sync-collection with a stored token), Radicale's collection GET as an ICS feed. An
event added, changed and removed at the remote shows here after one pull; a failing source
keeps its last good copy while another one pulls fine; the source's calendar is read-only for
the partner's own CalDAV client; the pull runs through Celery's task machinery too."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import caldav
import pytest
import requests
from caldav.lib import error as caldav_error
from sqlalchemy import update
from werkzeug import Response
from werkzeug.test import Client

from shared.clock import utcnow
from shared.db import transaction

from services.calendar.domain.feed_import import object_name
from services.calendar.domain.source_draft import SourceDefaults, SourceDraft
from services.calendar.store.models import CalendarSource
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_sources import Sources
from services.calendar.subscriptions import pull, sources
from services.calendar.subscriptions.remote import PullSettings
from services.calendar.subscriptions.sealing import Sealer

from tests.support.caldav_peers import event, radicale, xandikos
from tests.support.login import login

SEALER = Sealer("", "test-secret-of-the-suite-32-bytes-or-more")
RENAME = (
    b'<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop>'
    b"<d:displayname>Umbenannt</d:displayname></d:prop></d:set></d:propertyupdate>"
)
PRIVILEGES = (
    b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>'
)
SETTINGS = PullSettings(allow_private=True, sealer=SEALER, total_seconds=20)


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("peers")
    with open(folder / "peers.log", "w") as log:
        with radicale(folder / "radicale", log) as r, xandikos(folder / "xandikos", log) as x:
            yield {"radicale": r, "xandikos": x}


def _day(days: int) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y%m%d")


def _add(calendar_app, partner_id: int, kind: str, url: str, name: str, **defaults) -> int:
    draft = SourceDraft(kind=kind, url=url, name=name, username="partner" if kind == "caldav" else "",
                        defaults=SourceDefaults(**defaults))  # fmt: skip
    with transaction(calendar_app.extensions["db"]) as session:
        return sources.add(session, partner_id, draft, "geheim" if kind == "caldav" else "", SEALER, None, utcnow()).id


def _pull(calendar_app, source_id: int) -> pull.Outcome:
    """A pull as after "Jetzt abrufen": due now, then pulled."""
    with transaction(calendar_app.extensions["db"]) as session:
        sources.pull_now(session, source_id, utcnow())
    return pull.pull_source(calendar_app.extensions["db"], source_id, SETTINGS, utcnow)


def _events(store, source_id: int) -> dict[str, bytes]:
    with store() as s:
        source = Sources(s.session).get(source_id)
        assert source is not None
        return {o.uid: o.data or b"" for o in SqlStore(s.session).objects(source.calendar_id, with_data=True)}


def _source(store, source_id: int):
    with store() as s:
        return Sources(s.session).get(source_id)


@pytest.mark.parametrize("peer_name,kind", [("radicale", "caldav"), ("xandikos", "caldav"), ("radicale", "ics")])
def test_added_changed_and_removed_at_the_remote_show_here_after_one_pull(
    calendar_app, people, store, peers, peer_name, kind
):
    peer = peers[peer_name]
    tag = f"{peer_name}-{kind}"
    peer.put(f"{tag}-a.ics", event(f"{tag}-a", "Skatrunde", f"{_day(3)}T140000", f"{_day(3)}T160000"))
    peer.put(f"{tag}-b.ics", event(f"{tag}-b", "Spielenachmittag", f"{_day(4)}T140000", f"{_day(4)}T160000"))
    source_id = _add(calendar_app, people["lena"]["partner_id"], kind, peer.calendar_url, "Haus-Kalender",
                     categories=("Spiel",))  # fmt: skip

    first = _pull(calendar_app, source_id)
    assert first.state == "ok", first.reason
    held = _events(store, source_id)
    assert {uid for uid in held if uid.startswith(tag)} == {f"{tag}-a", f"{tag}-b"}
    assert b"CATEGORIES:Spiel" in held[f"{tag}-a"]
    assert _source(store, source_id).state == "ok"

    # nothing changed at the remote: nothing is written (the calendar's revision stays)
    revision = _revision(store, source_id)
    assert _pull(calendar_app, source_id).state == "ok"
    assert _revision(store, source_id) == revision

    peer.put(f"{tag}-a.ics", event(f"{tag}-a", "Skatrunde (neu: im Saal)", f"{_day(3)}T150000", f"{_day(3)}T170000"))
    peer.delete(f"{tag}-b.ics")
    peer.put(f"{tag}-c.ics", event(f"{tag}-c", "Erzählcafé", f"{_day(5)}T100000", f"{_day(5)}T113000"))
    outcome = _pull(calendar_app, source_id)
    assert outcome.state == "ok", outcome.reason
    assert (outcome.added, outcome.changed, outcome.removed) == (1, 1, 1)
    held = _events(store, source_id)
    assert {uid for uid in held if uid.startswith(tag)} == {f"{tag}-a", f"{tag}-c"}
    assert b"SUMMARY:Skatrunde (neu: im Saal)" in held[f"{tag}-a"]
    source = _source(store, source_id)
    assert source.events == len(held)
    if kind == "caldav":
        assert source.sync_token, "the sync token is kept for the next pull"


def _revision(store, source_id: int) -> int:
    with store() as s:
        source = Sources(s.session).get(source_id)
        return next(c.revision for c in SqlStore(s.session).calendars() if c.id == source.calendar_id)


def test_a_failing_source_keeps_its_last_good_copy_and_another_pulls_fine(calendar_app, people, store, peers):
    peer = peers["radicale"]
    peer.put("keep-1.ics", event("keep-1", "Mittagstisch", f"{_day(2)}T120000", f"{_day(2)}T130000"))
    partner = people["lena"]["partner_id"]
    failing = _add(calendar_app, partner, "ics", peer.calendar_url, "Wird gleich kaputt")
    healthy = _add(calendar_app, people["otto"]["partner_id"], "caldav", peers["xandikos"].calendar_url, "Gesund")
    assert _pull(calendar_app, failing).state == "ok"
    assert "keep-1" in _events(store, failing)

    with transaction(calendar_app.extensions["db"]) as session:  # the partner's address breaks
        source = Sources(session).get(failing)
        draft = SourceDraft("ics", peer.base + "/gibt-es-nicht/", source.calendar_name)
        Sources(session).update(failing, draft, None, None, utcnow())
    outcome = _pull(calendar_app, failing)
    assert outcome.state == "failing"
    state = _source(store, failing)
    assert state.state == "failing" and "404" in state.reason
    assert "keep-1" in _events(store, failing), "the last good copy stays"
    assert _pull(calendar_app, healthy).state == "ok"
    assert _source(store, healthy).state == "ok"


def test_an_event_already_in_another_calendar_of_the_partner_is_skipped(calendar_app, people, store, peers):
    peer = peers["xandikos"]
    partner = people["lena"]["partner_id"]
    data = event("twice-1", "Sommerfest", f"{_day(10)}T150000", f"{_day(10)}T190000")
    with store() as s:
        own = s.ensure_partner_calendar(partner, "eigener", "Eigener Kalender")
        s.put(own.id, "twice-1.ics", data)
    peer.put("twice-1.ics", data)
    source_id = _add(calendar_app, partner, "caldav", peer.calendar_url, "Doppelt")
    outcome = _pull(calendar_app, source_id)
    assert outcome.state == "ok"
    assert "twice-1" in outcome.duplicates
    assert "twice-1" not in _events(store, source_id)
    assert _source(store, source_id).skipped >= 1


def test_only_one_pull_of_a_source_at_a_time(calendar_app, people, peers):
    source_id = _add(calendar_app, people["lena"]["partner_id"], "ics", peers["radicale"].calendar_url, "Einmal")
    with transaction(calendar_app.extensions["db"]) as session:
        assert Sources(session).claim(source_id, utcnow())
    assert _pull(calendar_app, source_id).state == "busy"
    later = utcnow() + timedelta(minutes=6)  # the lease ran out (a worker died mid-pull)
    assert pull.pull_source(calendar_app.extensions["db"], source_id, SETTINGS, lambda: later).state == "ok"
    # a second message for the same source, queued while the first waited: it is not due any more
    assert pull.pull_source(calendar_app.extensions["db"], source_id, SETTINGS, lambda: later).state == "busy"


def test_the_sources_calendar_is_read_only_for_the_partners_caldav_client(
    calendar_app, frontdoor, people, store, live, peers
):
    peer = peers["radicale"]
    peer.put("ro-1.ics", event("ro-1", "Lesecafé", f"{_day(6)}T100000", f"{_day(6)}T120000"))
    source_id = _add(calendar_app, people["lena"]["partner_id"], "ics", peer.calendar_url, "Nur lesbar")
    assert _pull(calendar_app, source_id).state == "ok"
    # the offering editor does not open its events (they are changed where the partner keeps them)
    browser = Client(frontdoor)
    login(browser, "lena")
    slug = _source(store, source_id).calendar_slug
    assert browser.get(f"/calendar/offerings/{slug}/{object_name('ro-1')}").status_code == 404
    client = caldav.DAVClient(url=f"{live.url}/dav/", username="lena", password=people["lena"]["app_password"])
    calendars = {c.get_display_name(): c for c in client.principal().calendars()}
    calendar = calendars["Nur lesbar"]
    before = sorted(str(e.icalendar_component["UID"]) for e in calendar.events())
    assert "ro-1" in before
    auth = ("lena", people["lena"]["app_password"])
    found = requests.request(
        "PROPFIND", str(calendar.url), auth=auth, timeout=10, data=PRIVILEGES, headers={"Depth": "0"}
    )
    assert found.status_code == 207 and "read-current-user-privilege-set" in found.text
    assert ":write" not in found.text and ":bind" not in found.text
    with pytest.raises((caldav_error.PutError, caldav_error.AuthorizationError)):
        calendar.save_event(event("new-1", "Hineingeschrieben", f"{_day(7)}T100000", f"{_day(7)}T110000").decode())
    stored = next(e for e in calendar.events() if str(e.icalendar_component["UID"]) == "ro-1")
    with pytest.raises((caldav_error.DeleteError, caldav_error.AuthorizationError)):
        stored.delete()
    answer = requests.delete(str(stored.url), auth=auth, timeout=10)
    assert answer.status_code == 403
    assert "nur lesbar" in answer.text and "Kalender von anderswo" in answer.text
    answer = requests.request("PROPPATCH", str(calendar.url), auth=auth, timeout=10, data=RENAME)
    assert answer.status_code == 403
    assert requests.request("MKCOL", str(calendar.url) + "innen/", auth=auth, timeout=10).status_code == 403
    assert sorted(str(e.icalendar_component["UID"]) for e in calendar.events()) == before


def test_a_pull_through_the_celery_task(calendar_app, people, store, peers, run_task):
    peer = peers["radicale"]
    peer.put("task-1.ics", event("task-1", "Tanztee", f"{_day(8)}T150000", f"{_day(8)}T170000"))
    source_id = _add(calendar_app, people["otto"]["partner_id"], "ics", peer.calendar_url, "Per Task")
    assert run_task("calendar.pull_source", {"source_id": source_id}) == "ok"
    assert "task-1" in _events(store, source_id)
    assert run_task("calendar.pull_source", {"source_id": 999999}) == "gone"


def test_deleting_a_source_deletes_its_calendar(calendar_app, people, store, peers):
    peer = peers["radicale"]
    peer.put("del-1.ics", event("del-1", "Basteln", f"{_day(9)}T150000", f"{_day(9)}T170000"))
    source_id = _add(calendar_app, people["lena"]["partner_id"], "ics", peer.calendar_url, "Weg damit")
    assert _pull(calendar_app, source_id).state == "ok"
    calendar_id = _source(store, source_id).calendar_id
    with transaction(calendar_app.extensions["db"]) as session:
        sources.remove(session, source_id)
    with store() as s:
        assert all(c.id != calendar_id for c in s.calendars())
        assert Sources(s.session).get(source_id) is None


def test_a_caldav_source_is_guarded_like_a_feed(calendar_app, people, store, httpserver):
    """No pull from an internal address unless allowed; a redirect is not followed."""
    partner = people["lena"]["partner_id"]
    source_id = _add(calendar_app, partner, "caldav", httpserver.url_for("/dav/kalender/"), "Geschützt")
    strict = PullSettings(allow_private=False, sealer=SEALER, total_seconds=5)
    assert pull.pull_source(calendar_app.extensions["db"], source_id, strict, utcnow).state == "failing"
    assert "internen Netz" in _source(store, source_id).reason
    assert httpserver.log == []

    httpserver.expect_request("/dav/kalender/").respond_with_data(
        "", status=301, headers={"Location": "http://169.254.169.254/latest/"}
    )
    with transaction(calendar_app.extensions["db"]) as session:
        Sources(session).pull_now(source_id, utcnow())
    assert _pull(calendar_app, source_id).state == "failing"
    assert "leitet" in _source(store, source_id).reason
    assert all(request.path == "/dav/kalender/" for request, _ in httpserver.log)


def test_an_ics_source_through_its_messy_life(calendar_app, people, store, httpserver):
    """Google's feed; then the same feed again (304: nothing to do); then a login page instead
    of the feed (failing, the copy stays); then the feed is back."""
    google = (Path(__file__).parent / "feeds" / "google.ics").read_bytes()
    seen: list[str] = []

    def feed(request):
        seen.append(request.headers.get("If-None-Match", ""))
        if request.headers.get("If-None-Match") == '"g1"':
            return Response(status=304, headers={"ETag": '"g1"'})
        return Response(google, content_type="text/calendar", headers={"ETag": '"g1"'})

    httpserver.expect_request("/basic.ics").respond_with_handler(feed)
    source_id = _add(calendar_app, people["otto"]["partner_id"], "ics", httpserver.url_for("/basic.ics"), "Google")
    first = _pull(calendar_app, source_id)
    assert (first.state, first.added) == ("ok", 3)
    assert _source(store, source_id).feed_minutes is None and _source(store, source_id).etag == '"g1"'
    revision = _revision(store, source_id)
    assert _pull(calendar_app, source_id).state == "ok"
    assert seen == ["", '"g1"'] and _revision(store, source_id) == revision

    httpserver.clear()
    httpserver.expect_request("/basic.ics").respond_with_data("<html>Bitte anmelden</html>", content_type="text/html")
    assert _pull(calendar_app, source_id).state == "failing"
    assert "kein Kalender im iCalendar-Format" in _source(store, source_id).reason
    assert len(_events(store, source_id)) == 3

    # the feed is back, now without an ETag (as many servers send it): the same bytes as the
    # copy held are not read again; other bytes are, once
    httpserver.clear()
    httpserver.expect_request("/basic.ics").respond_with_data(google, content_type="text/calendar")
    back = _pull(calendar_app, source_id)
    assert (back.state, back.unchanged) == ("ok", True)
    assert _source(store, source_id).reason == "" and len(_events(store, source_id)) == 3
    httpserver.clear()
    moved = google.replace(b"SUMMARY:", b"SUMMARY:Neu: ", 1)
    httpserver.expect_request("/basic.ics").respond_with_data(moved, content_type="text/calendar")
    again = _pull(calendar_app, source_id)
    assert (again.unchanged, again.changed) == (False, 1)
    assert _pull(calendar_app, source_id).unchanged

    # the source's defaults change: the same bytes are read again, for the new defaults
    with transaction(calendar_app.extensions["db"]) as session:
        info = Sources(session).get(source_id)
        draft = SourceDraft(
            kind="ics", url=info.url, name=info.calendar_name, defaults=SourceDefaults(categories=("Kultur",))
        )
        sources.change(session, info, draft, "", SEALER, None, utcnow())
    changed = _pull(calendar_app, source_id)
    assert not changed.unchanged and changed.changed >= 1


def test_of_many_workers_claiming_a_source_at_once_exactly_one_gets_it(calendar_app, people):
    source_id = _add(calendar_app, people["lena"]["partner_id"], "ics", "https://example.org/k.ics", "Umkämpft")
    factory = calendar_app.extensions["db"]
    barrier = threading.Barrier(4)

    def claim() -> bool:
        with transaction(factory) as session:
            barrier.wait()
            return Sources(session).claim(source_id, utcnow())

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: claim(), range(4)))
    assert sorted(results) == [False, False, False, True]


@pytest.mark.parametrize("peer_name", ["radicale", "xandikos"])
def test_a_sync_token_the_server_forgot_means_a_full_listing(calendar_app, people, store, peers, peer_name):
    peer = peers[peer_name]
    tag = f"forgot-{peer_name}"
    peer.put(f"{tag}-1.ics", event(f"{tag}-1", "Chor", f"{_day(3)}T180000", f"{_day(3)}T200000"))
    peer.put(f"{tag}-2.ics", event(f"{tag}-2", "Orchester", f"{_day(4)}T180000", f"{_day(4)}T200000"))
    source_id = _add(calendar_app, people["otto"]["partner_id"], "caldav", peer.calendar_url, f"Vergesslich {tag}")
    assert _pull(calendar_app, source_id).state == "ok"
    assert {f"{tag}-1", f"{tag}-2"} <= set(_events(store, source_id))
    with transaction(calendar_app.extensions["db"]) as session:
        session.execute(
            update(CalendarSource).where(CalendarSource.id == source_id).values(sync_token=peer.base + "/sync/gone")
        )
    peer.delete(f"{tag}-2.ics")
    outcome = _pull(calendar_app, source_id)
    assert outcome.state == "ok", outcome.reason
    held = _events(store, source_id)
    assert f"{tag}-1" in held and f"{tag}-2" not in held
    assert _source(store, source_id).sync_token != peer.base + "/sync/gone"
