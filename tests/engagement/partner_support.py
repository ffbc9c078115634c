"""Helpers of the partner-side tests: logged-in clients of the engagement app, rows written
straight into its database (a published opportunity, a confirmed offer of help, a shift with
people on it), the outbox's mails, and the CSRF token of a page's forms."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models

from tests.support.engagement import mails  # noqa: F401  (the partner-side tests take it from here)
from tests.support.login import login

VALID = {
    "kind": "regular",
    "title": "Besuchsdienst in Lobeda",
    "description": "Einmal in der Woche eine ältere Dame besuchen, reden, spazieren gehen.",
    "district": "Lobeda",
    "place": "Karl-Marx-Allee 28",
    "topics": ["visiting"],
    "with_whom": ["older_people"],
    "weekdays": ["1", "3"],
    "times_of_day": ["afternoon"],
    "hours": "2",
    "languages": ["de"],
    "contact_name": "Lena Lobeda",
    "contact_email": "lena@example.org",
    "contact_phone": "03641 123456",
}


def client_of(app, username: str):
    client = app.test_client()
    login(client, username, service="engagement")
    return client


def token(html: str) -> str:
    """A CSRF token of the page (every form's, whatever its prefix, is good for the session)."""
    found = re.search(r'name="[^"]*csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def page_token(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return token(response.get_data(as_text=True))


def opportunity(app, partner_id: int, **values) -> int:
    fields = {
        "kind": "regular",
        "title": "Vorlesen in der Kita",
        "description": "Jede Woche Kindern in der Kita eine Geschichte vorlesen.",
        "district": "Lobeda",
        "place": "Karl-Marx-Allee 28",
        "topics": ["language"],
        "with_whom": ["children"],
        "weekdays": [2],
        "times_of_day": ["morning"],
        "expected_minutes": 60,
        "contact_name": "Lena",
        "contact_email": "lena@example.org",
        "state": "published",
        "published_at": utcnow(),
        **values,
    }
    with transaction(app.extensions["db"]) as session:
        row = models.Opportunity(partner_id=partner_id, **fields)
        session.add(row)
        session.flush()
        return row.id


def volunteer(session, email: str, name: str, phone: str = "", language: str = "de") -> models.Volunteer:
    row = models.Volunteer(email=email, name=name, phone=phone, language=language, confirmed_at=utcnow())
    session.add(row)
    session.flush()
    return row


def application(app, opportunity_id: int, name: str = "Jonas Groß", language: str = "de", **values) -> int:
    with transaction(app.extensions["db"]) as session:
        person = volunteer(session, f"{name.split()[0].lower()}@example.net", name, language=language)
        fields = {
            "state": "confirmed",
            "name": name,
            "phone": "0151 111222",
            "availability": "dienstags ab 15 Uhr",
            "message": "Ich habe Zeit und Geduld.",
            "language": language,
            "confirmed_at": utcnow(),
            **values,
        }
        row = models.Application(opportunity_id=opportunity_id, volunteer_id=person.id, **fields)
        session.add(row)
        session.flush()
        return row.id


def shift(app, opportunity_id: int, capacity: int, people: list[str], days_ahead: int = 10) -> int:
    """A shift with `people` signed up in this order (the first `capacity` confirmed, the rest
    waiting); their emails are <first name>@example.net."""
    starts = utcnow().replace(microsecond=0) + timedelta(days=days_ahead)
    with transaction(app.extensions["db"]) as session:
        row = models.Shift(
            opportunity_id=opportunity_id, starts_at=starts, ends_at=starts + timedelta(hours=3), capacity=capacity
        )
        session.add(row)
        session.flush()
        for n, name in enumerate(people):
            person = volunteer(session, f"{name.split()[0].lower()}@example.net", name, phone="0151 222333")
            session.add(
                models.Signup(
                    shift_id=row.id,
                    volunteer_id=person.id,
                    state="confirmed" if n < capacity else "waiting",
                    name=name,
                    phone=person.phone,
                    queued_at=utcnow() - timedelta(hours=len(people) - n),
                )
            )
        return row.id


def get(app, model, row_id: int):
    with transaction(app.extensions["db"]) as session:
        row = session.get(model, row_id)
        session.expunge(row)
        return row


def signups(app, shift_id: int) -> dict[str, str]:
    with transaction(app.extensions["db"]) as session:
        return {
            s.name: s.state for s in session.scalars(select(models.Signup).where(models.Signup.shift_id == shift_id))
        }
