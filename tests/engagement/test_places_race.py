"""Places on a shift under a race: people click their confirmation links at the same moment for
a shift with fewer places. The shift's row lock lets exactly as many in as there are places;
the others are on the waiting list, each with a number of their own. Real PostgreSQL, real
threads; as many as the app's pool serves at once here (one kept, ten more), each request
holding two connections after its commit (the outbox relay's). bench/engagement.py races 200
people through gunicorn."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models
from services.engagement.domain import links
from services.engagement.exchange import confirming
from services.engagement.web.context import ctx_of

from tests.support import engagement as support

PEOPLE, PLACES = 5, 2


def test_confirmations_at_once_fill_the_places_and_queue_the_rest(engagement_app, people):
    opportunity_id = support.opportunity(
        engagement_app, people["lena"]["partner_id"], kind="shift", weekdays=[], times_of_day=[]
    )
    shift_id = support.shift(engagement_app, opportunity_id, utcnow() + timedelta(days=4), capacity=PLACES)
    now = utcnow()
    with transaction(engagement_app.extensions["db"]) as session:
        for n in range(PEOPLE):
            volunteer = models.Volunteer(email=f"p{n}@example.org")
            session.add(volunteer)
            session.flush()
            session.add(models.Signup(shift_id=shift_id, volunteer_id=volunteer.id, name=f"P{n}", created_at=now))
    secret = engagement_app.config["SECRET_KEY"]
    signups = support.rows(engagement_app, "Signup")
    clients = []
    for row in signups:
        client = engagement_app.test_client()
        path = links.CONFIRM_PREFIX + links.confirm_token(secret, "signup", row.id)
        token = support.CSRF.search(client.get(path).get_data(as_text=True)).group(1)
        clients.append((client, path, token))
    start, answers = threading.Barrier(PEOPLE), []

    def confirm(client, path, token):
        start.wait()
        answers.append(client.post(path, data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=confirm, args=entry) for entry in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers == [200] * PEOPLE
    rows = support.rows(engagement_app, "Signup")
    assert sum(r.state == "confirmed" for r in rows) == PLACES
    waiting = sorted((r for r in rows if r.state == "waiting"), key=lambda r: (r.queued_at, r.id))
    assert len(waiting) == PEOPLE - PLACES
    mails = support.mails(engagement_app)
    purposes = [m["purpose"] for m in mails if m["purpose"] != "confirm"]
    assert purposes.count("signed_up") == PLACES and purposes.count("waiting") == PEOPLE - PLACES
    numbers = sorted(int(m["text"].split("als Nummer ")[1].split(".")[0]) for m in mails if m["purpose"] == "waiting")
    assert numbers == list(range(1, PEOPLE - PLACES + 1))  # each a number of their own


def test_the_queue_follows_the_shifts_lock_not_the_clock_each_request_read(engagement_app, people):
    """A request that read the clock earlier may get the shift's lock later (bench/engagement.py
    saw it with 200 people): it joins the queue behind everyone already in it and is told the
    next number, not a number someone else has."""
    opportunity_id = support.opportunity(
        engagement_app, people["lena"]["partner_id"], kind="shift", weekdays=[], times_of_day=[]
    )
    shift_id = support.shift(engagement_app, opportunity_id, utcnow() + timedelta(days=4), capacity=1)
    now = utcnow()
    with transaction(engagement_app.extensions["db"]) as session:
        signups = [
            models.Signup(shift_id=shift_id, volunteer=models.Volunteer(email=f"q{n}@example.org"), name=f"Q{n}")
            for n in range(3)
        ]
        session.add_all(signups)
        session.flush()
        ids = [s.id for s in signups]
    secret, told = engagement_app.config["SECRET_KEY"], []
    with engagement_app.app_context():
        for signup_id, read_at in zip(ids, (now, now + timedelta(seconds=2), now + timedelta(seconds=1))):
            context = dataclasses.replace(ctx_of(engagement_app), now=read_at)
            with transaction(engagement_app.extensions["db"]) as session:
                done = confirming.confirm(session, context, links.confirm_token(secret, "signup", signup_id))
            told.append((done.state, done.waiting_number))
    assert told == [("confirmed", 0), ("waiting", 1), ("waiting", 2)]
    waiting = sorted(
        (r for r in support.rows(engagement_app, "Signup") if r.state == "waiting"), key=lambda r: (r.queued_at, r.id)
    )
    assert [r.id for r in waiting] == ids[1:]  # who moves up first: the one told number 1
