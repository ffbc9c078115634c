"""The race for the last places: a shift with 10 places, and 200 people who signed up for it
confirm at the same moment (the button behind the link in their mail). Each client first opens
its confirmation page (for the session cookie and the form's CSRF token), then all POST the
form at once. Correct is: exactly `places` confirmed, everybody else waiting, the waiting told
the numbers 1..n once each, and the numbers they were told are their places in the queue as
stored (the order in which they move up later)."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from urllib.parse import urlencode

import psycopg
from sqlalchemy import select

from shared.clock import utcnow
from shared.db import make_engine, make_session_factory, transaction

from services.engagement.db import models
from services.engagement.domain import links

from bench_databases import PG, sa_url
from engagement_data import LOCAL

TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')
NUMBER = re.compile(rb"Nummer (\d+)")
CONFIRMED_HEADING = b"Danke! Sie sind dabei"
WAITING_HEADING = b"Sie stehen auf der Warteliste"


def prepare(db_name: str, secret: str, places: int, people: int) -> dict:
    """A shift of `places` places ten days ahead on the first shift opportunity, and `people`
    volunteers with an unconfirmed sign-up for it each, as the offer form leaves them; returns
    the shift's id and each sign-up's confirmation path."""
    engine = make_engine(sa_url(db_name))
    try:
        with transaction(make_session_factory(engine)) as session:
            opportunity = session.scalars(
                select(models.Opportunity).where(models.Opportunity.kind == "shift").order_by(models.Opportunity.id)
            ).first()
            if opportunity is None:
                raise RuntimeError("no shift opportunity to race on")
            day = utcnow().astimezone(LOCAL).date() + timedelta(days=10)
            starts = datetime(day.year, day.month, day.day, 14, tzinfo=LOCAL)
            shift = models.Shift(starts_at=starts, ends_at=starts + timedelta(hours=3), capacity=places)
            opportunity.shifts.append(shift)
            signups = []
            for i in range(people):
                volunteer = models.Volunteer(email=f"helfer-{i:04d}@example.org")
                signups.append(
                    models.Signup(shift=shift, volunteer=volunteer, name=f"Helferin {i + 1}", phone="", language="de")
                )
            session.add_all(signups)
            session.flush()
            return {
                "shift_id": shift.id,
                "opportunity_id": opportunity.id,
                "signup_ids": [s.id for s in signups],
                "paths": [links.CONFIRM_PREFIX + links.confirm_token(secret, "signup", s.id) for s in signups],
            }
    finally:
        engine.dispose()


def run(base: str, db_name: str, prepared: dict, places: int, openers: int = 16) -> dict:
    """Open every confirmation page, then POST all forms at once; the answers, timed and checked."""
    host, port = base.split("://", 1)[1].split(":")
    paths = prepared["paths"]
    with ThreadPoolExecutor(openers) as pool:
        forms = list(pool.map(lambda p: _open(host, int(port), p), paths))
    barrier = threading.Barrier(len(paths))
    started: list[float] = []

    def post(i: int) -> tuple[int, bytes, float]:
        if barrier.wait() == 0:
            started.append(time.monotonic())
        begun = time.monotonic()
        status, body = _post(host, int(port), paths[i], *forms[i])
        return status, body, time.monotonic() - begun

    with ThreadPoolExecutor(len(paths)) as pool:
        answers = list(pool.map(post, range(len(paths))))
        ended = time.monotonic()
    seconds = ended - started[0]
    latencies = sorted(a[2] * 1000 for a in answers)
    result = {
        "people": len(paths),
        "places": places,
        "seconds": seconds,
        "per_second": len(paths) / seconds,
        "p50": statistics.median(latencies),
        "p95": latencies[max(0, round(0.95 * len(latencies)) - 1)],
        "slowest": latencies[-1],
    }
    result.update(check(db_name, prepared, answers, places))
    return result


def _open(host: str, port: int, path: str) -> tuple[str, str]:
    """GET the confirmation page: (the cookie header to send back, the form's CSRF token)."""
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        cookies = "; ".join(v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie")
    finally:
        conn.close()
    token = TOKEN.search(body)
    if response.status != 200 or token is None or not cookies:
        raise RuntimeError(f"GET {path[:40]}…: {response.status}, no form to confirm: {body[:300]!r}")
    return cookies, token.group(1).decode()


def _post(host: str, port: int, path: str, cookies: str, token: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request(
            "POST",
            path,
            body=urlencode({"csrf_token": token}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies},
        )
        response = conn.getresponse()
        return response.status, response.read()
    except OSError as exc:
        return 0, repr(exc).encode()
    finally:
        conn.close()


def check(db_name: str, prepared: dict, answers: list[tuple[int, bytes, float]], places: int) -> dict:
    """What the people were told and what the database holds, against what must be."""
    told: list[tuple[str, int]] = []  # per person, in the order of `paths`: (state, waiting number)
    for status, body, _seconds in answers:
        number = NUMBER.search(body)
        if status == 200 and CONFIRMED_HEADING in body:
            told.append(("confirmed", 0))
        elif status == 200 and WAITING_HEADING in body and number:
            told.append(("waiting", int(number.group(1))))
        else:
            told.append((f"answer {status}", 0))
    with psycopg.connect(f"{PG}/{db_name}") as conn:
        rows = conn.execute(
            "SELECT id, state, queued_at FROM signup WHERE shift_id = %s ORDER BY queued_at, id",
            (prepared["shift_id"],),
        ).fetchall()
    stored = Counter(state for _id, state, _queued in rows)
    queue = [sid for sid, state, _queued in rows if state == "waiting"]  # convert.shift's order
    signup_ids = prepared["signup_ids"]
    people = len(answers)
    waiting_told = sorted(n for state, n in told if state == "waiting")
    disagree = sum(
        1
        for sid, (state, n) in zip(signup_ids, told)
        if state == "waiting" and (sid not in queue or queue.index(sid) + 1 != n)
    )
    answered = Counter(state for state, _n in told)
    correct = (
        stored.get("confirmed", 0) == places
        and stored.get("waiting", 0) == people - places
        and answered.get("confirmed", 0) == places
        and waiting_told == list(range(1, people - places + 1))
        and disagree == 0
    )
    return {
        "stored": dict(stored),
        "answered": dict(answered),
        "numbers_told": len(waiting_told),
        "numbers_distinct": len(set(waiting_told)),
        "numbers_expected": waiting_told == list(range(1, people - places + 1)),
        "order_disagrees": disagree,
        "correct": correct,
    }
