"""Volunteers' data goes when it is no longer needed (ENGAGEMENT_KEEP_MONTHS and
ENGAGEMENT_KEEP_CLOSED_MONTHS), erased as a deletion on request erases it; anything still open
keeps it."""

from __future__ import annotations

from datetime import timedelta

from shared.clock import utcnow

from services.engagement.exchange import tending
from services.engagement.web.context import ctx_of

from tests.support import engagement as support


def _volunteer(app, opportunity_id: int, email: str, state: str, closed_days_ago: int, confirmed: bool = True) -> int:
    long_ago = utcnow() - timedelta(days=closed_days_ago)
    return support.applicant(
        app,
        opportunity_id,
        email,
        state,
        name="Alt",
        message="Hallo",
        last_active_at=long_ago,
        created_at=long_ago,
        confirmed_at=long_ago if confirmed else None,
        closed_at=None if state in ("confirmed", "accepted") else long_ago,
    )


def _tend(app) -> dict:
    with app.app_context():
        return tending.tend(app.extensions["db"], ctx_of(app))


def test_data_goes_after_its_time_and_stays_while_open(engagement_app, people):
    opportunity_id = support.opportunity(engagement_app, people["lena"]["partner_id"])
    declined_long_ago = _volunteer(engagement_app, opportunity_id, "a@example.org", "declined", 200)
    declined_lately = _volunteer(engagement_app, opportunity_id, "b@example.org", "declined", 60)
    still_helping = _volunteer(engagement_app, opportunity_id, "c@example.org", "accepted", 900)
    never_confirmed = _volunteer(engagement_app, opportunity_id, "d@example.org", "expired", 40, confirmed=False)
    assert _tend(engagement_app)["erased"] == 2
    emails = {v.id: v.email for v in support.rows(engagement_app, "Volunteer")}
    assert emails[declined_long_ago].endswith("@invalid") and emails[never_confirmed].endswith("@invalid")
    assert emails[declined_lately] == "b@example.org" and emails[still_helping] == "c@example.org"
    names = {a.volunteer_id: (a.name, a.message) for a in support.rows(engagement_app, "Application")}
    assert names[declined_long_ago] == ("—", "") and names[still_helping] == ("Alt", "Hallo")
    assert _tend(engagement_app)["erased"] == 0  # the erased are not looked at again
    assert support.mails(engagement_app) == []  # no mail to an address that may be long dead
