"""Interest forms: left and confirmed like an offer, told once of each matching opportunity
published later (by the beat's tending), stopped through the volunteer's own page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models
from services.engagement.domain import links
from services.engagement.exchange import interests, tending
from services.engagement.web.context import ctx_of

from tests.support import engagement as support

WISH = {"name": "Karin Wald", "email": "karin@example.org", "consent": "y"}


def _leave(client, query: str = "stadtteil=Winzerla&tag=werktags&zeit=morning", **changes):
    page = f"/engagement/interesse?{query}"
    data = {**WISH, **changes}
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        data.setdefault(key, [])
        if isinstance(data[key], list):
            data[key].append(value)
    return support.post_form(client, page, data, action="/engagement/interesse")


def _confirmed(app, client, query: str = "stadtteil=Winzerla&tag=werktags&zeit=morning") -> str:
    """Leave and confirm an interest; the path of the volunteer's own page."""
    assert _leave(client, query).status_code == 303
    mail = support.mails(app)[-1]
    assert mail["purpose"] == "interest" and links.COMMITMENTS_PREFIX not in mail["text"]
    path = support.link(mail["text"], links.CONFIRM_PREFIX)
    done = support.post_form(client, path, {})
    assert done.status_code == 200 and "Wir sagen Ihnen Bescheid" in done.get_data(as_text=True)
    return path


def _tend(app) -> dict:
    with app.app_context():
        return tending.tend(app.extensions["db"], ctx_of(app))


def test_a_matching_opportunity_published_later_is_told_once(engagement_app, people):
    client = engagement_app.test_client()
    form = client.get("/engagement/interesse?stadtteil=Winzerla&zeit=morning").get_data(as_text=True)
    assert 'value="Winzerla" checked' in form  # the search's filters carry over
    _confirmed(engagement_app, client)
    winzerla = support.opportunity(
        engagement_app,
        people["lena"]["partner_id"],
        title="Frühstückstreff Winzerla",
        district="Winzerla",
        weekdays=[2],
        times_of_day=["morning"],
        topics=["lunch_table"],
    )
    support.opportunity(
        engagement_app, people["lena"]["partner_id"], title="Abends in Lobeda", times_of_day=["evening"]
    )
    before = len(support.mails(engagement_app))
    assert _tend(engagement_app)["announced"] == 1
    [told] = support.mails(engagement_app)[before:]
    assert told["purpose"] == "interest_match" and told["email"] == "karin@example.org"
    assert f"/engagement/{winzerla}" in told["text"] and links.COMMITMENTS_PREFIX in told["text"]
    assert _tend(engagement_app)["announced"] == 0  # announced once
    with transaction(engagement_app.extensions["db"]) as session:  # paused and published again: no second mail
        session.get(models.Opportunity, winzerla).announced_at = None
    assert _tend(engagement_app)["announced"] == 0


def test_an_interest_needs_a_choice_and_known_values(engagement_app):
    client = engagement_app.test_client()
    nothing = _leave(client, query="")
    assert nothing.status_code == 400 and "mindestens eines" in nothing.get_data(as_text=True)
    unknown = _leave(client, query="stadtteil=Atlantis")
    assert unknown.status_code == 400 and "aus der Liste" in unknown.get_data(as_text=True)
    assert _leave(client, consent="").status_code == 400
    assert support.mails(engagement_app) == []


def test_stopping_an_interest_through_ones_page(engagement_app, people):
    client = engagement_app.test_client()
    _confirmed(engagement_app, client)
    support.opportunity(
        engagement_app, people["lena"]["partner_id"], title="Vorher", district="Winzerla", times_of_day=["morning"]
    )
    _tend(engagement_app)
    mine = support.link(support.mails(engagement_app)[-1]["text"], links.COMMITMENTS_PREFIX)
    page = client.get(mine).get_data(as_text=True)
    assert "Suchaufträge" in page and "Winzerla" in page
    [row] = support.rows(engagement_app, "Interest")
    assert support.post_form(client, mine, {}, action=f"{mine}/interest/{row.id}/stop").status_code == 303
    assert support.rows(engagement_app, "Interest")[0].state == "stopped"
    support.opportunity(
        engagement_app, people["lena"]["partner_id"], title="Nachher", district="Winzerla", times_of_day=["morning"]
    )
    assert _tend(engagement_app)["announced"] == 0


def test_at_most_five_running_interests_a_person(engagement_app):
    client = engagement_app.test_client()
    for district in ("Lobeda", "Winzerla", "Nord", "West", "Ost"):
        _confirmed(engagement_app, client, query=f"stadtteil={district}")
    with transaction(engagement_app.extensions["db"]) as session:  # a day later: the mail ceiling is not the point
        for row in session.scalars(select(models.Interest)):
            row.created_at = utcnow() - timedelta(days=2)
    refused = _leave(client, query="stadtteil=Zentrum")
    assert refused.status_code == 409 and "fünf Suchaufträge" in refused.get_data(as_text=True)
    assert len(support.rows(engagement_app, "Interest")) == 5


def test_suggestions_for_a_partner_follow_the_same_rule(engagement_app, people):
    client = engagement_app.test_client()
    _confirmed(engagement_app, client)
    fits = support.opportunity(
        engagement_app, people["lena"]["partner_id"], district="Winzerla", times_of_day=["morning"], state="draft"
    )
    elsewhere = support.opportunity(
        engagement_app, people["lena"]["partner_id"], district="Nord", times_of_day=["morning"]
    )
    with engagement_app.app_context(), transaction(engagement_app.extensions["db"]) as session:
        context = ctx_of(engagement_app)
        [(match, interest)] = interests.suggested(session, context, session.get(models.Opportunity, fits))
        assert interest.name == "Karin Wald" and ("district", "Winzerla") in match.reasons
        assert interests.suggested(session, context, session.get(models.Opportunity, elsewhere)) == []
