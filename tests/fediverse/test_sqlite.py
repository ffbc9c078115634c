"""`make run` keeps the calendar in SQLite, which hands datetimes back without their time zone:
the scan, a delivery and the key cache compare them with aware ones. The scan failed there every
minute (found in make run's worker log); here it runs on SQLite, twice, and a delivery is tried."""

from __future__ import annotations

from sqlalchemy import create_engine, select

from shared.clock import utcnow
from shared.db import make_session_factory, transaction
from shared.migrate import upgrade

from services import calendar as calendar_service
from services.calendar.fediverse import actors, delivery, federate
from services.calendar.store.models import FediverseDelivery, FediverseFollower
from services.calendar.store.sql import SqlStore

from tests.support.calendar import weekly_event


def test_the_scan_and_a_delivery_run_on_sqlite(calendar_app, people, tmp_path):
    url = f"sqlite:///{tmp_path}/calendar.db"
    upgrade(calendar_service.MIGRATIONS, url)  # as make run does (the search table comes with them)
    engine = create_engine(url)
    factory = make_session_factory(engine)
    with calendar_app.app_context():
        with transaction(factory) as session:
            store = SqlStore(session)
            calendar = store.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH Lobeda")
            store.put(calendar.id, "cafe.ics", weekly_event("cafe", "Seniorencafé", ("Begegnung",)))
            follower = FediverseFollower(
                actor_id=actors.network(session).id,
                follower="https://mastodon.example/users/anna",
                inbox="http://127.0.0.1:9/inbox",  # refused (the suite allows no private addresses)
            )
            session.add(follower)
        first, queued = federate.run(factory, utcnow())
        assert first["published"] == 1 and queued
        again, _ = federate.run(factory, utcnow())  # reads the mark SQLite kept, naive
        assert again["published"] == 0
        outcome, wait = delivery.deliver(factory, queued[0], utcnow())
        assert wait is not None, outcome  # refused, to be tried again later
        outcome, _ = delivery.deliver(factory, queued[0], utcnow())  # not due yet: compared, left
        with factory() as session:
            assert session.scalars(select(FediverseDelivery.state)).all() == ["pending"]
    engine.dispose()
