"""The office's figures of the Engagementbörse (/engagement/figures and its CSV): what counts in
which district and month, on the real database; and that only the coordination office gets
them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models

from tests.support import engagement as support
from tests.support.login import login

PERIOD = "?von=01.2025&bis=12.2025"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _volunteer(session, email: str) -> int:
    row = models.Volunteer(email=email, name=email.split("@")[0].title(), confirmed_at=_at("2025-01-01T10:00"))
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def network(engagement_app, people):
    """A year of the network in Lobeda and Nord, with things that must not count beside those that must."""
    app = engagement_app
    lena, otto = people["lena"]["partner_id"], people["otto"]["partner_id"]
    # published 1 April 00:30 in Jena (31 March 22:30 UTC): counts in April
    lobeda = support.opportunity(app, lena, published_at=_at("2025-03-31T22:30"))
    nord = support.opportunity(app, otto, district="Nord", published_at=_at("2025-05-10T09:00"))
    support.opportunity(app, otto, district="Nord", state="draft", published_at=None)  # never published
    support.opportunity(app, lena, published_at=_at("2024-12-20T09:00"))  # before the period
    festival = support.opportunity(app, lena, kind="shift", title="Sommerfest", published_at=_at("2025-06-01T08:00"))
    shift = support.shift(app, festival, _at("2025-07-05T10:00"))
    with transaction(app.extensions["db"]) as session:
        for i, (opportunity, state, confirmed) in enumerate(
            (
                (lobeda, "accepted", "2025-04-03T10:00"),  # an application and a match in April
                (lobeda, "confirmed", "2025-04-20T10:00"),  # an application
                (lobeda, "declined", "2025-05-02T10:00"),  # an application, no match
                (nord, "accepted", "2025-05-11T10:00"),
                (lobeda, "unconfirmed", None),  # never reached the partner: nothing
            )
        ):
            session.add(
                models.Application(
                    opportunity_id=opportunity,
                    volunteer_id=_volunteer(session, f"a{i}@example.org"),
                    state=state,
                    name="A",
                    confirmed_at=_at(confirmed) if confirmed else None,
                )
            )
        for i, (state, queued) in enumerate((("confirmed", "2025-06-15T10:00"), ("waiting", "2025-06-16T10:00"))):
            session.add(
                models.Signup(
                    shift_id=shift,
                    volunteer_id=_volunteer(session, f"s{i}@example.org"),
                    state=state,
                    name="S",
                    queued_at=_at(queued),
                )
            )
        family = models.Family(partner_id=otto, name="Familie Okafor")
        session.add(family)
        session.flush()
        for stages in (
            [["getting_to_know", "2025-07-01"], ["active", "2025-08-01"]],  # a match in August, in Nord
            [["getting_to_know", "2025-07-01"]],  # not (yet) active: no match
        ):
            session.add(
                models.Sponsorship(
                    partner_id=otto,
                    opportunity_id=None,  # the partner's district
                    volunteer_id=_volunteer(session, f"p{len(stages)}@example.org"),
                    family_id=family.id,
                    started_on=date(2025, 6, 20),
                    stage=stages[-1][0],
                    stage_days=stages,
                )
            )
        helper = _volunteer(session, "h@example.org")
        for opportunity, day, minutes in (
            (nord, date(2025, 5, 20), 90),
            (nord, date(2025, 5, 21), 30),
            (lobeda, date(2026, 1, 2), 60),
        ):
            session.add(models.HoursEntry(volunteer_id=helper, opportunity_id=opportunity, day=day, minutes=minutes))
    return app


def _office(app):
    client = app.test_client()
    login(client, "kora", service="engagement")
    return client


def test_the_csv_counts_by_month_and_district(network):
    answer = _office(network).get("/engagement/figures.csv" + PERIOD)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert 'filename="engagement-2025-01-bis-2025-12.csv"' in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows == [
        ["Monat", "Stadtteil", "Angebote veröffentlicht", "Hilfsangebote", "Vermittlungen", "Minuten engagiert"],
        ["2025-04", "Lobeda", "1", "2", "1", "0"],
        ["2025-05", "Lobeda", "0", "1", "0", "0"],
        ["2025-05", "Nord", "1", "1", "1", "120"],
        ["2025-06", "Lobeda", "1", "0", "1", "0"],
        ["2025-08", "Nord", "0", "0", "1", "0"],
    ]


def test_the_page_shows_months_and_districts(network):
    page = _office(network).get("/engagement/figures" + PERIOD).get_data(as_text=True)
    assert "01.2025 bis 12.2025" in page
    assert "3 Angebote veröffentlicht, 4 Hilfsangebote, 4 Vermittlungen, 2 Stunden engagiert." in page
    by_month = page[page.index('id="je-monat"') : page.index('id="je-stadtteil"')]
    assert [m for m in ("04.2025", "05.2025", "06.2025", "08.2025", "07.2025") if m in by_month] == [
        "04.2025",
        "05.2025",
        "06.2025",
        "08.2025",
    ]
    by_district = page[page.index('id="je-stadtteil"') :]
    assert by_district.index("Lobeda") < by_district.index("Nord")
    assert "/engagement/figures.csv?von=01.2025&amp;bis=12.2025" in page


def test_this_year_unless_a_period_is_chosen(engagement_app, people):
    year = utcnow().year
    support.opportunity(engagement_app, people["lena"]["partner_id"], published_at=utcnow())
    page = _office(engagement_app).get("/engagement/figures").get_data(as_text=True)
    assert f"01.{year} bis 12.{year}" in page and "1 Angebote veröffentlicht" in page
    wrong = _office(engagement_app).get("/engagement/figures?von=13.2025")
    assert wrong.status_code == 400 and "Bitte einen Monat mit Jahr angeben" in wrong.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/engagement/figures", "/engagement/figures.csv"])
def test_only_the_coordination_office_gets_the_figures(engagement_app, people, path):
    staff = engagement_app.test_client()
    login(staff, "lena", service="engagement")
    refused = staff.get(path)
    assert refused.status_code == 403 and "Kein Zugriff" in refused.get_data(as_text=True)
    anonymous = engagement_app.test_client().get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _office(engagement_app).get(path).status_code == 200
