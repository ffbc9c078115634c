"""The partner's records of its helpers: hours, the Führungszeugnis note (only 'seen on … by
…'), the Engagementnachweis as PDF; other partners see none of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.engagement.web.forms import minutes_of

from tests.support import engagement as support
from tests.support.login import login


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("2", 120),
        ("1,5", 90),
        ("1.5", 90),
        ("1:30", 90),
        ("0,25", 15),
        ("3 Std.", 180),
        ("2h", 120),
        ("1:75", None),
        ("abc", None),
        ("", None),
    ],
)
def test_hours_as_people_write_them(text, minutes):
    assert minutes_of(text) == minutes


def _helper(app, opportunity_id: int, state: str = "accepted") -> int:
    return support.applicant(app, opportunity_id, state=state)


@pytest.fixture
def setting(engagement_app, people):
    opportunity_id = support.opportunity(engagement_app, people["lena"]["partner_id"], certificate_needed=True)
    return opportunity_id, _helper(engagement_app, opportunity_id)


def _page(opportunity_id, volunteer_id, rest=""):
    return f"/engagement/partner/opportunities/{opportunity_id}/helpers/{volunteer_id}{rest}"


def test_hours_and_the_certificate_note_and_the_statement(engagement_app, setting):
    opportunity_id, volunteer_id = setting
    client = engagement_app.test_client()
    login(client, "lena", service="engagement")
    listing = client.get(f"/engagement/partner/opportunities/{opportunity_id}/helpers").get_data(as_text=True)
    assert "Erika Muster" in listing and "noch nicht gesehen" in listing
    page = _page(opportunity_id, volunteer_id)
    yesterday = (date.today() - timedelta(days=1)).strftime("%d.%m.%Y")
    done = support.post_form(
        client, page, {"day": yesterday, "hours": "1,5", "note": "Vorlesen"}, action=page + "/hours"
    )
    assert done.status_code == 303
    assert "Zusammen: 1,5 Stunden" in client.get(page).get_data(as_text=True)
    [entry] = support.rows(engagement_app, "HoursEntry")
    assert (entry.minutes, entry.note) == (90, "Vorlesen")

    future = support.post_form(client, page, {"day": "01.01.2099", "hours": "2"}, action=page + "/hours")
    assert future.status_code == 400 and "in der Zukunft" in future.get_data(as_text=True)
    nonsense = support.post_form(client, page, {"day": yesterday, "hours": "viel"}, action=page + "/hours")
    assert nonsense.status_code == 400 and "z. B. 2, 1,5 oder 1:30" in nonsense.get_data(as_text=True)
    too_much = support.post_form(client, page, {"day": yesterday, "hours": "13"}, action=page + "/hours")
    assert too_much.status_code == 400 and "mehr als 14 Stunden" in too_much.get_data(as_text=True)

    old = support.post_form(client, page, {"seen_on": "01.01.2015", "seen_by": "Lena"}, action=page + "/certificate")
    assert old.status_code == 400 and "fünf Jahren" in old.get_data(as_text=True)
    seen = support.post_form(
        client, page, {"seen_on": yesterday, "seen_by": "Lena Lustig"}, action=page + "/certificate"
    )
    assert seen.status_code == 303
    [note] = support.rows(engagement_app, "CertificateRecord")
    assert note.seen_by == "Lena Lustig" and not hasattr(note, "document")
    assert "gesehen, gültig" in client.get(page).get_data(as_text=True)

    pdf = client.get(page + "/nachweis.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"

    [entry] = support.rows(engagement_app, "HoursEntry")
    gone = support.post_form(client, page, {}, action=page + f"/hours/{entry.id}/delete")
    assert gone.status_code == 303 and support.rows(engagement_app, "HoursEntry") == []


def test_another_partner_and_strangers_see_nothing(engagement_app, people, setting):
    opportunity_id, volunteer_id = setting
    otto = engagement_app.test_client()
    login(otto, "otto", service="engagement")
    for path in (
        f"/engagement/partner/opportunities/{opportunity_id}/helpers",
        _page(opportunity_id, volunteer_id),
        _page(opportunity_id, volunteer_id, "/nachweis.pdf"),
    ):
        assert otto.get(path).status_code == 404, path
    answer = support.post_form(
        otto,
        f"/engagement/{opportunity_id}",
        {"day": "01.12.2026", "hours": "2"},
        action=_page(opportunity_id, volunteer_id, "/hours"),
    )
    assert answer.status_code == 404 and support.rows(engagement_app, "HoursEntry") == []
    anonymous = engagement_app.test_client().get(_page(opportunity_id, volunteer_id))
    assert anonymous.status_code == 302 and "/engagement/login" in anonymous.headers["Location"]
    kora = engagement_app.test_client()
    login(kora, "kora", service="engagement")
    assert kora.get(_page(opportunity_id, volunteer_id)).status_code == 200  # the office sees it


def test_only_helpers_have_records(engagement_app, people):
    opportunity_id = support.opportunity(engagement_app, people["lena"]["partner_id"])
    waiting_only = _helper(engagement_app, opportunity_id, state="confirmed")  # offered, not accepted yet
    client = engagement_app.test_client()
    login(client, "lena", service="engagement")
    assert client.get(_page(opportunity_id, waiting_only)).status_code == 404
