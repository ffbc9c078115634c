"""Helpers for the Engagementbörse's tests: opportunities and shifts written straight into its
database (as a partner's page would leave them), the mails it queued for notify, the links in
them, and form posts with their CSRF token."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def opportunity(app, partner_id: int, **overrides) -> int:
    values = dict(
        partner_id=partner_id,
        kind="regular",
        title="Besuchsdienst im Seniorenheim",
        description="Sie besuchen ältere Menschen, lesen vor, gehen spazieren oder hören einfach zu.",
        district="Lobeda",
        place="Karl-Marx-Allee 28, 07747 Jena",
        topics=["visiting"],
        with_whom=["older_people"],
        weekdays=[1, 3],
        times_of_day=["afternoon"],
        expected_minutes=120,
        contact_name="Petra Sommer",
        contact_email="petra@example.org",
        contact_phone="03641 123456",
        state="published",
        published_at=utcnow(),
    )
    values.update(overrides)
    with transaction(app.extensions["db"]) as session:
        row = models.Opportunity(**values)
        session.add(row)
        session.flush()
        return row.id


def shift(app, opportunity_id: int, starts_at: datetime, capacity: int = 2, hours: int = 3, deadline_minutes=60) -> int:
    with transaction(app.extensions["db"]) as session:
        row = models.Shift(
            opportunity_id=opportunity_id,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            capacity=capacity,
            deadline_minutes=deadline_minutes,
        )
        session.add(row)
        session.flush()
        return row.id


def mails(app) -> list[dict]:
    """The notify.engagement_mail messages queued so far, oldest first."""
    with transaction(app.extensions["db"]) as session:
        rows = session.query(models.OutboxMessage).order_by(models.OutboxMessage.id).all()
        return [json.loads(r.payload) for r in rows if r.task_name == "notify.engagement_mail"]


def link(text: str, prefix: str) -> str:
    """The path of the first link under `prefix` in a mail's text."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^\s]+)", text)
    assert found, text
    return found.group(1)


def post_form(client, page_url: str, data: dict, action: str | None = None):
    """GET the page for its CSRF token, then POST `data` to `action` (the page by default)."""
    page = client.get(page_url)
    token = CSRF.search(page.get_data(as_text=True))
    assert token, page.get_data(as_text=True)[:2000]
    return client.post(action or page_url, data={"csrf_token": token.group(1), **data})


def rows(app, model: str) -> list:
    """Every row of a table (by model name), with its relationships loaded, detached."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    cls = getattr(models, model)
    with transaction(app.extensions["db"]) as session:
        query = select(cls).order_by(cls.id)
        if cls is models.Opportunity:
            query = query.options(selectinload(models.Opportunity.shifts))
        return list(session.scalars(query))


def mail_to(smtp_sink, address: str, subject_part: str):
    """The text of the newest mail to `address` whose subject holds `subject_part` (None yet)."""
    for message in reversed(smtp_sink.messages):
        if message["To"] and address in message["To"] and subject_part in str(message["Subject"]):
            part = message.get_body(preferencelist=("plain",))
            return part.get_content() if part else None
    return None


def signup(app, shift_id: int, email: str, state: str = "confirmed", phone: str = "", name: str = "") -> int:
    """A confirmed volunteer on a shift, as if they had clicked their link (state confirmed or waiting)."""
    now = utcnow()
    with transaction(app.extensions["db"]) as session:
        volunteer = models.Volunteer(
            email=email, name=name or email.split("@")[0].title(), phone=phone, confirmed_at=now
        )
        session.add(volunteer)
        session.flush()
        row = models.Signup(
            shift_id=shift_id, volunteer_id=volunteer.id, state=state, name=volunteer.name, phone=phone, queued_at=now
        )
        session.add(row)
        session.flush()
        return row.id


def applicant(app, opportunity_id: int, email: str = "erika@example.org", state: str = "accepted", **fields) -> int:
    """A volunteer with an offer of help to the opportunity in `state`, confirmed unless
    `confirmed_at=None` is given; `fields` go to both rows where they have the column
    (name, last_active_at, created_at …). Returns the volunteer's id."""
    now = utcnow()
    values = {"name": "Erika Muster", "confirmed_at": now, **fields}
    with transaction(app.extensions["db"]) as session:
        volunteer = models.Volunteer(
            email=email, **{k: v for k, v in values.items() if k in ("name", "confirmed_at", "last_active_at")}
        )
        session.add(volunteer)
        session.flush()
        offer = {k: v for k, v in values.items() if k in ("name", "confirmed_at", "created_at", "closed_at", "message")}
        session.add(models.Application(opportunity_id=opportunity_id, volunteer_id=volunteer.id, state=state, **offer))
        return volunteer.id
