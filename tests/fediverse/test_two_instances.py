"""Two Treffpunkt instances, each on its own calendar database with its own worker: the second's
coordination office follows the first's network on /calendar/region/, the first accepts, its
offering arrives in the second's "Aus der Region" calendar, hidden until the office approves
the source; then it shows on the second's public pages, changes with the first's changes, and
goes when the first deletes it. The first never publishes it back (no echo)."""

from __future__ import annotations

import dataclasses
import time

import psycopg
import pytest
import requests
from sqlalchemy import select

from shared.migrate import upgrade

from services import calendar as calendar_service
from services.calendar.store.models import FediverseSource, RegionEvent
from services.calendar.store.sql import SqlStore
from services.frontdoor import FrontDoor, create_apps

from tests import conftest as suite
from tests.fediverse.conftest import Site, _Late
from tests.support import infra
from tests.support.calendar import weekly_event
from tests.support.live import LiveServer
from tests.support.login import csrf_of, http_login
from tests.support.workers import Worker


@pytest.fixture(scope="module")
def second(settings, notify_settings, tmp_path_factory):
    """Instance B: its own calendar database, the file broker (its own queue), its own port."""
    url = infra.database_url("calendar_b")
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(
        infra._libpq(infra.database_url("calendar")).rsplit("/", 1)[0] + "/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    upgrade(calendar_service.MIGRATIONS, url)
    late = _Late()
    with LiveServer(late) as server:
        ours = dataclasses.replace(
            settings, public_url=server.url, fediverse_allow_private=True, calendar_database_url=url, broker_url=""
        )
        apps = create_apps(ours, notify_settings)
        suite._APPS.append(apps)
        late.app = FrontDoor(apps)
        worker = Worker("calendar", ours, tmp_path_factory.mktemp("worker-b")).wait_ready()
        yield Site(server.url, apps, ours)
        worker.stop()
        suite._APPS.remove(apps)
    apps["calendar"].extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def first_worker(site, tmp_path_factory):
    worker = Worker("calendar", site.settings, tmp_path_factory.mktemp("worker-a")).wait_ready()
    yield worker
    worker.stop()


def wait(check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.2)


def rows(site, model):
    with site.session() as session:
        found = list(session.scalars(select(model)))
        session.expunge_all()
    return found


def public_titles(site) -> str:
    return requests.get(f"{site.url}/calendar/", timeout=10).text


def test_the_second_instance_follows_the_first_and_shows_what_it_approves(site, second, first_worker, people):
    office = http_login(second.url, "kora")
    page = office.get(f"{second.url}/calendar/region/")
    assert page.status_code == 200 and "Aus der Region" in page.text
    refused = office.post(
        f"{second.url}/calendar/region/follow", data={"csrf_token": csrf_of(page.text), "address": "kein handle"}
    )
    assert refused.status_code == 400 and "name@beispiel.de" in refused.text
    host = site.url.split("://", 1)[1]
    followed = office.post(
        f"{second.url}/calendar/region/follow",
        data={"csrf_token": csrf_of(page.text), "address": f"treffpunkt@{host}"},
    )
    assert followed.status_code == 200 and "Anfrage an" in followed.text  # after the redirect
    wait(lambda: [s.state for s in rows(second, FediverseSource)] == ["accepted"])
    assert "folgt" in office.get(f"{second.url}/calendar/region/").text

    with site.session() as session:
        store = SqlStore(session)
        calendar = store.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
        store.put(calendar.id, "cafe.ics", weekly_event("cafe", "Seniorencafé Lobeda", ("Begegnung",)))
    site.run("calendar.federate")
    wait(lambda: [e.title for e in rows(second, RegionEvent)] == ["Seniorencafé Lobeda"])
    assert "Seniorencafé Lobeda" not in public_titles(second)  # held for moderation

    page = office.get(f"{second.url}/calendar/region/")
    assert "Seniorencafé Lobeda" in page.text
    (source,) = rows(second, FediverseSource)
    approved = office.post(
        f"{second.url}/calendar/region/sources/{source.id}", data={"csrf_token": csrf_of(page.text), "approved": "1"}
    )
    assert approved.status_code == 200
    wait(lambda: "Seniorencafé Lobeda" in public_titles(second))
    assert second.run("calendar.federate")["published"] == 0  # not sent on: it is the first's

    with site.session() as session:
        store = SqlStore(session)
        store.put(
            store.calendar("lobeda").id, "cafe.ics", weekly_event("cafe", "Seniorencafé am Montag", ("Begegnung",))
        )
    site.run("calendar.federate")
    wait(lambda: [e.title for e in rows(second, RegionEvent)] == ["Seniorencafé am Montag"])
    wait(lambda: "Seniorencafé am Montag" in public_titles(second))

    with site.session() as session:
        store = SqlStore(session)
        store.delete(store.calendar("lobeda").id, "cafe.ics")
    site.run("calendar.federate")
    wait(lambda: rows(second, RegionEvent) == [])
    wait(lambda: "Seniorencafé am Montag" not in public_titles(second))


def test_only_the_office_sees_the_region_page(second, people):
    staff = http_login(second.url, "lena")
    assert staff.get(f"{second.url}/calendar/region/").status_code == 403
    anonymous = requests.get(f"{second.url}/calendar/region/", allow_redirects=False, timeout=10)
    assert anonymous.status_code in (302, 303)
