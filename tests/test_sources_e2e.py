"""A source pulled end to end as in production: the beat's message (calendar.pull_sources) to a
real Celery worker process on Redis, which sends calendar.pull_source for the due source; that
pull fetches the partner's calendar from a real Radicale the test starts and writes its events
into the source's calendar, where the public iCal feed and the partner's CalDAV client see them.
A change at the remote after "Jetzt abrufen" arrives the same way."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import caldav
import pytest
import requests

from shared.clock import utcnow
from shared.db import transaction

from services.calendar.domain.source_draft import SourceDefaults, SourceDraft
from services.calendar.store.sql import SqlStore
from services.calendar.store.sql_sources import Sources
from services.calendar.subscriptions import sources
from services.calendar.subscriptions.sealing import sealer_of

from tests.support.caldav_peers import event, radicale
from tests.support.live import LiveServer
from tests.support.workers import wait_until

pytestmark = pytest.mark.e2e


def _day(days: int) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y%m%d")


def test_the_beat_message_pulls_a_due_source_through_a_real_worker(frontdoor, calendar_app, workers, people, tmp_path):
    factory = calendar_app.extensions["db"]
    celery = calendar_app.extensions["celery"]
    with open(tmp_path / "radicale.log", "w") as log, radicale(tmp_path / "radicale", log) as peer:
        peer.put("fest.ics", event("e2e-fest", "Nachbarschaftsfest", f"{_day(12)}T150000", f"{_day(12)}T190000"))
        draft = SourceDraft(
            "caldav", peer.calendar_url, "Hausfeste", "partner", defaults=SourceDefaults(district="Lobeda")
        )
        with transaction(factory) as session:
            source = sources.add(
                session, people["lena"]["partner_id"], draft, "geheim", sealer_of(calendar_app.config["SETTINGS"]),
                None, utcnow()
            )  # fmt: skip

        def state():
            with transaction(factory) as session:
                found = Sources(session).get(source.id)
                held = {o.uid: o.data for o in SqlStore(session).objects(source.calendar_id, with_data=True)}
            return found, held

        celery.send_task("calendar.pull_sources", queue="calendar")  # what the beat sends every minute
        wait_until(lambda: state()[0].state == "ok", what="the source's first pull", timeout=60)
        found, held = state()
        assert set(held) == {"e2e-fest"} and found.sync_token
        assert b"X-TREFFPUNKT-DISTRICT:Lobeda" in held["e2e-fest"]

        with LiveServer(frontdoor) as live:
            feed = requests.get(f"{live.url}/feeds/network.ics", timeout=10)
            assert "Nachbarschaftsfest" in feed.text
            with caldav.DAVClient(
                url=live.url + "/dav/", username="lena", password=people["lena"]["app_password"]
            ) as client:
                calendar = next(c for c in client.principal().calendars() if c.get_display_name() == "Hausfeste")
                assert [str(e.icalendar_component["SUMMARY"]) for e in calendar.events()] == ["Nachbarschaftsfest"]

        peer.put(
            "fest.ics", event("e2e-fest", "Nachbarschaftsfest (mit Musik)", f"{_day(12)}T150000", f"{_day(12)}T200000")
        )
        with transaction(factory) as session:
            sources.pull_now(session, source.id, utcnow())  # "Jetzt abrufen"
        celery.send_task("calendar.pull_sources", queue="calendar")
        wait_until(lambda: b"mit Musik" in state()[1].get("e2e-fest", b""), what="the change at the remote", timeout=60)
