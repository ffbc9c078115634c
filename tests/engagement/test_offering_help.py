"""A visitor offers help and confirms it by the mail's link (double opt-in); the shift's places
and waiting list; the volunteer's own page: withdraw, delete. Through the pages, on the real
database; the mails are the messages queued for notify (tests/notify covers their delivery)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models
from services.engagement.domain import links

from tests.support import engagement as support

OFFER = {
    "name": "Erika Muster",
    "email": "Erika@Example.org",
    "phone": "0151 1234567",
    "availability": "dienstags nachmittags",
    "message": "Ich war Krankenschwester.",
    "consent": "y",
}


@pytest.fixture
def lobeda(engagement_app, people):
    return support.opportunity(engagement_app, people["lena"]["partner_id"])


def _offer(client, opportunity_id: int, **changes):
    url = f"/engagement/{opportunity_id}"
    return support.post_form(client, url, {**OFFER, **changes})


def _confirm(client, mail: dict):
    path = support.link(mail["text"], links.CONFIRM_PREFIX)
    assert client.get(path).status_code == 200  # the page asks; a mail scanner's GET confirms nothing
    return support.post_form(client, path, {})


def _signups(app):
    with transaction(app.extensions["db"]) as session:
        return [(s.state, s.volunteer.email) for s in session.scalars(select(models.Signup).order_by(models.Signup.id))]


def _rows(app, model):
    with transaction(app.extensions["db"]) as session:
        return session.scalars(select(model).order_by(model.id)).all()


def test_an_offer_reaches_the_partner_only_after_the_click(engagement_app, lobeda):
    client = engagement_app.test_client()
    answer = _offer(client, lobeda)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/engagement/{lobeda}/gesendet")
    assert "Postfach" in client.get(answer.headers["Location"]).get_data(as_text=True)
    [mail] = support.mails(engagement_app)
    assert mail["purpose"] == "confirm" and mail["email"] == "erika@example.org"
    assert "/engagement/mine/" not in mail["text"]  # no way in before the address is proven
    [application] = _rows(engagement_app, models.Application)
    assert application.state == "unconfirmed" and application.availability == "dienstags nachmittags"
    assert client.get(support.link(mail["text"], links.CONFIRM_PREFIX)).status_code == 200
    assert (
        len(support.mails(engagement_app)) == 1 and _rows(engagement_app, models.Application)[0].state == "unconfirmed"
    )

    page = _confirm(client, mail)
    assert page.status_code == 200 and "Ihr Angebot ist bestätigt" in page.get_data(as_text=True)
    [application] = _rows(engagement_app, models.Application)
    assert application.state == "confirmed" and application.confirmed_at is not None
    sent = support.mails(engagement_app)[1:]
    to_partner = next(m for m in sent if m["email"] == "petra@example.org")
    assert f"/engagement/partner/opportunities/{lobeda}/inbox" in to_partner["text"]
    assert "Erika" not in to_partner["text"]  # details are behind the login
    thanks = next(m for m in sent if m["email"] == "erika@example.org")
    assert links.COMMITMENTS_PREFIX in thanks["text"]
    [volunteer] = _rows(engagement_app, models.Volunteer)
    assert (volunteer.name, volunteer.phone) == ("Erika Muster", "0151 1234567")

    again = _confirm(client, mail)  # a second click: the same answer, nothing sent again
    assert again.status_code == 200 and len(support.mails(engagement_app)) == 3


def test_a_bad_form_says_what_to_fix_and_stores_nothing(engagement_app, lobeda):
    client = engagement_app.test_client()
    answer = _offer(client, lobeda, email="erika-at-example", consent="")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "E-Mail-Adresse" in body and "Einwilligung" in body and "autofocus" in body
    assert _rows(engagement_app, models.Application) == [] and support.mails(engagement_app) == []


def test_a_draft_or_unknown_opportunity_is_not_found(engagement_app, people, lobeda):
    draft = support.opportunity(engagement_app, people["lena"]["partner_id"], state="draft", published_at=None)
    client = engagement_app.test_client()
    assert client.get(f"/engagement/{draft}").status_code == 404
    assert client.get("/engagement/999999").status_code == 404
    assert support.post_form(client, f"/engagement/{lobeda}", OFFER, action=f"/engagement/{draft}").status_code == 404


def test_a_confirmation_link_runs_out(engagement_app, lobeda):
    client = engagement_app.test_client()
    _offer(client, lobeda)
    [mail] = support.mails(engagement_app)
    with transaction(engagement_app.extensions["db"]) as session:
        for row in session.scalars(select(models.Application)):
            row.created_at = utcnow() - timedelta(days=8)
    page = _confirm(client, mail)
    assert page.status_code == 409 and "abgelaufen" in page.get_data(as_text=True)
    assert client.get(links.CONFIRM_PREFIX + "forged-token").status_code == 404


def test_one_address_gets_at_most_five_confirmation_mails_a_day(engagement_app, people):
    client = engagement_app.test_client()
    ids = [support.opportunity(engagement_app, people["lena"]["partner_id"], title=f"Hilfe {n}") for n in range(7)]
    for opportunity_id in ids:
        assert _offer(client, opportunity_id).status_code == 302  # the same answer every time
    assert len(support.mails(engagement_app)) == 5


def test_offering_again_after_confirming_tells_the_owner_once_a_day(engagement_app, lobeda):
    client = engagement_app.test_client()
    _offer(client, lobeda)
    _confirm(client, support.mails(engagement_app)[0])
    before = len(support.mails(engagement_app))
    _offer(client, lobeda, name="Jemand anders")
    _offer(client, lobeda, name="Jemand anders")
    [application] = _rows(engagement_app, models.Application)
    assert application.name == "Erika Muster"  # nothing of theirs changed
    notes = support.mails(engagement_app)[before:]
    assert len({m["key"] for m in notes}) == 1  # notify sends a key once


def _shift_opportunity(app, people, capacity=1, starts_in=timedelta(days=3)):
    opportunity_id = support.opportunity(
        app, people["lena"]["partner_id"], kind="shift", title="Helfen beim Stadtteilfest", weekdays=[], times_of_day=[]
    )
    shift_id = support.shift(app, opportunity_id, utcnow().replace(microsecond=0) + starts_in, capacity=capacity)
    return opportunity_id, shift_id


def _sign_up(app, client, opportunity_id, shift_id, email):
    before = len(support.mails(app))
    assert _offer(client, opportunity_id, shift=str(shift_id), email=email).status_code == 302
    [mail] = support.mails(app)[before:]
    return _confirm(client, mail)


def test_a_full_shift_puts_the_next_person_on_the_waiting_list_who_moves_up(engagement_app, people):
    opportunity_id, shift_id = _shift_opportunity(engagement_app, people, capacity=1)
    client = engagement_app.test_client()
    first = _sign_up(engagement_app, client, opportunity_id, shift_id, "anna@example.org")
    assert "Sie sind dabei" in first.get_data(as_text=True)
    signed_up = support.mails(engagement_app)[-1]
    assert signed_up["purpose"] == "signed_up" and signed_up["event"]["method"] == "REQUEST"
    second = _sign_up(engagement_app, client, opportunity_id, shift_id, "ben@example.org")
    assert "Warteliste" in second.get_data(as_text=True) and "Nummer 1" in second.get_data(as_text=True)
    assert _signups(engagement_app) == [
        ("confirmed", "anna@example.org"),
        ("waiting", "ben@example.org"),
    ]
    page = client.get(f"/engagement/{opportunity_id}").get_data(as_text=True)
    assert "alle Plätze belegt" in page

    mine = support.link(signed_up["text"], links.COMMITMENTS_PREFIX)
    anna_signup = _rows(engagement_app, models.Signup)[0].id
    before = len(support.mails(engagement_app))
    answer = support.post_form(client, mine, {}, action=f"{mine}/signup/{anna_signup}/withdraw")
    assert answer.status_code == 303
    assert [s.state for s in _rows(engagement_app, models.Signup)] == ["withdrawn", "confirmed"]
    sent = support.mails(engagement_app)[before:]
    by_purpose = {m["purpose"]: m for m in sent if m["email"] != "petra@example.org"}
    assert by_purpose["withdrawn"]["event"]["method"] == "CANCEL"
    assert by_purpose["withdrawn"]["event"]["uid"] == signed_up["event"]["uid"]
    assert by_purpose["withdrawn"]["event"]["sequence"] > signed_up["event"]["sequence"]
    assert (
        by_purpose["moved_up"]["email"] == "ben@example.org" and by_purpose["moved_up"]["event"]["method"] == "REQUEST"
    )
    assert any(m["email"] == "petra@example.org" and m["purpose"] == "withdrawn" for m in sent)


def test_withdrawing_closes_at_the_partners_deadline(engagement_app, people):
    opportunity_id, shift_id = _shift_opportunity(engagement_app, people, capacity=2, starts_in=timedelta(hours=3))
    client = engagement_app.test_client()
    _sign_up(engagement_app, client, opportunity_id, shift_id, "anna@example.org")
    mine = support.link(support.mails(engagement_app)[-1]["text"], links.COMMITMENTS_PREFIX)
    with transaction(engagement_app.extensions["db"]) as session:
        session.get(models.Shift, shift_id).deadline_minutes = 4 * 60  # now inside the deadline
    page = client.get(mine).get_data(as_text=True)
    assert "Abmelden geht hier nicht mehr" in page and "03641 123456" in page
    signup = _rows(engagement_app, models.Signup)[0].id
    answer = support.post_form(client, f"/engagement/{opportunity_id}", {}, action=f"{mine}/signup/{signup}/withdraw")
    assert answer.status_code == 303
    assert "Anmeldefrist" in client.get(mine).get_data(as_text=True)
    assert _rows(engagement_app, models.Signup)[0].state == "confirmed"


def test_deleting_ones_data_withdraws_tells_and_voids_every_link(engagement_app, people, lobeda):
    opportunity_id, shift_id = _shift_opportunity(engagement_app, people, capacity=1)
    client = engagement_app.test_client()
    _sign_up(engagement_app, client, opportunity_id, shift_id, "anna@example.org")
    _sign_up(engagement_app, client, opportunity_id, shift_id, "ben@example.org")
    mine = support.link(support.mails(engagement_app)[1]["text"], links.COMMITMENTS_PREFIX)
    assert "Meine Zusagen" in client.get(mine).get_data(as_text=True)
    assert client.get(f"{mine}/delete").status_code == 200
    before = len(support.mails(engagement_app))
    done = support.post_form(client, f"{mine}/delete", {})
    assert done.status_code == 200 and "gelöscht" in done.get_data(as_text=True)
    anna, ben = _rows(engagement_app, models.Signup)
    assert (anna.state, anna.name, ben.state) == ("withdrawn", "—", "confirmed")
    [volunteer] = [v for v in _rows(engagement_app, models.Volunteer) if v.id == anna.volunteer_id]
    assert volunteer.email.endswith("@invalid") and volunteer.name == "" and volunteer.confirmed_at is None
    purposes = [m["purpose"] for m in support.mails(engagement_app)[before:]]
    assert "moved_up" in purposes and "deleted" in purposes
    assert client.get(mine).status_code == 404


def test_tending_reminds_once_and_expires_the_unconfirmed(engagement_app, people):
    from services.engagement.exchange import tending
    from services.engagement.web.context import ctx_of

    opportunity_id, shift_id = _shift_opportunity(engagement_app, people, capacity=2, starts_in=timedelta(hours=20))
    client = engagement_app.test_client()
    _sign_up(engagement_app, client, opportunity_id, shift_id, "anna@example.org")
    _offer(client, opportunity_id, shift=str(shift_id), email="late@example.org")
    with transaction(engagement_app.extensions["db"]) as session:
        late = session.scalars(select(models.Signup).where(models.Signup.state == "unconfirmed")).one()
        late.created_at = utcnow() - timedelta(days=8)
    with engagement_app.app_context():
        context = ctx_of(engagement_app)
        assert tending.tend(engagement_app.extensions["db"], context) == {
            "expired": 1,
            "reminded": 1,
            "announced": 0,
            "erased": 0,
        }
        assert tending.tend(engagement_app.extensions["db"], context) == {
            "expired": 0,
            "reminded": 0,
            "announced": 0,
            "erased": 0,
        }
    reminder = support.mails(engagement_app)[-1]
    assert reminder["purpose"] == "reminder" and reminder["email"] == "anna@example.org"
    assert reminder["sms_text"] and reminder["phone"] == "0151 1234567"


def test_confirming_takes_the_language_of_the_form(engagement_app, lobeda):
    client = engagement_app.test_client()
    client.get("/engagement/language/en")
    _offer(client, lobeda)
    [mail] = support.mails(engagement_app)
    assert mail["language"] == "en"


def test_the_search_finds_visiting_in_lobeda_on_weekday_afternoons(engagement_app, people, lobeda):
    support.opportunity(
        engagement_app, people["otto"]["partner_id"], title="Mittagstisch Nord", district="Nord", topics=["lunch_table"]
    )
    support.opportunity(
        engagement_app, people["lena"]["partner_id"], title="Lesepaten", weekdays=[5], topics=["visiting"]
    )
    client = engagement_app.test_client()
    page = client.get("/engagement/?stadtteil=Lobeda&thema=visiting&tag=werktags&zeit=afternoon")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Besuchsdienst im Seniorenheim" in body and "Mittagstisch Nord" not in body and "Lesepaten" not in body
    assert client.get("/engagement/?stadtteil=Atlantis").status_code == 400
    assert client.get("/engagement/?tag=9").status_code == 400
    everything = client.get("/engagement/").get_data(as_text=True)
    assert "Mittagstisch Nord" in everything and "3 Angebote" in everything


def test_the_offer_form_honours_the_review_setting_not_at_all(engagement_app):
    # the public side never depends on review: only published opportunities are shown at all
    settings = engagement_app.config["ENGAGEMENT_SETTINGS"]
    assert dataclasses.replace(settings, review=False).review is False


def test_changing_to_another_date_gives_the_old_place_back(engagement_app, people):
    opportunity_id, first = _shift_opportunity(engagement_app, people, capacity=1)
    second = support.shift(
        engagement_app, opportunity_id, utcnow().replace(microsecond=0) + timedelta(days=6), capacity=1
    )
    client = engagement_app.test_client()
    _sign_up(engagement_app, client, opportunity_id, first, "anna@example.org")
    _sign_up(engagement_app, client, opportunity_id, first, "ben@example.org")  # waiting
    mine = support.link(
        next(m for m in support.mails(engagement_app) if m["purpose"] == "signed_up")["text"], links.COMMITMENTS_PREFIX
    )
    page = client.get(mine).get_data(as_text=True)
    assert "Termin wechseln" in page
    anna = next(s for s in support.rows(engagement_app, "Signup") if s.shift_id == first and s.state == "confirmed")
    before = len(support.mails(engagement_app))
    moved = support.post_form(client, mine, {"shift": str(second)}, action=f"{mine}/signup/{anna.id}/move")
    assert moved.status_code == 303
    states = {(s.shift_id, s.volunteer_id): s.state for s in support.rows(engagement_app, "Signup")}
    assert states[(first, anna.volunteer_id)] == "withdrawn" and states[(second, anna.volunteer_id)] == "confirmed"
    assert sorted(v for (shift, _), v in states.items() if shift == first) == ["confirmed", "withdrawn"]  # Ben moved up
    purposes = sorted(m["purpose"] for m in support.mails(engagement_app)[before:])
    assert purposes == ["moved_up", "signed_up", "withdrawn"]
    same = support.post_form(client, mine, {"shift": str(second)}, action=f"{mine}/signup/{anna.id}/move")
    assert same.status_code == 303 and "nicht (mehr) eingetragen" in client.get(mine).get_data(as_text=True)


def test_the_search_by_time_needed(engagement_app, people):
    support.opportunity(engagement_app, people["lena"]["partner_id"], title="Kurz", expected_minutes=90)
    support.opportunity(engagement_app, people["lena"]["partner_id"], title="Lang", expected_minutes=300)
    client = engagement_app.test_client()
    body = client.get("/engagement/?stunden=2").get_data(as_text=True)
    assert "Kurz" in body and "Lang" not in body
    assert client.get("/engagement/?stunden=viel").status_code == 400


def test_a_lost_link_is_sent_again_to_a_known_address_only(engagement_app, lobeda):
    client = engagement_app.test_client()
    _offer(client, lobeda)
    _confirm(client, support.mails(engagement_app)[0])
    before = len(support.mails(engagement_app))
    for email in ("unbekannt@example.org", "ERIKA@example.org"):
        answer = support.post_form(client, "/engagement/mein-link", {"email": email})
        assert answer.status_code == 200 and "Postfach" in answer.get_data(as_text=True)
    [sent] = support.mails(engagement_app)[before:]
    assert sent["email"] == "erika@example.org" and links.COMMITMENTS_PREFIX in sent["text"]
    assert client.get(support.link(sent["text"], links.COMMITMENTS_PREFIX)).status_code == 200
    bad = support.post_form(client, "/engagement/mein-link", {"email": "erika-at-example"})
    assert bad.status_code == 400 and "E-Mail-Adresse" in bad.get_data(as_text=True)


def test_the_search_pages_through_many_and_sees_changes_at_once(engagement_app, people):
    for n in range(35):
        support.opportunity(engagement_app, people["lena"]["partner_id"], title=f"Angebot {n:02d}")
    client = engagement_app.test_client()
    first = client.get("/engagement/?stadtteil=Lobeda").get_data(as_text=True)
    assert "35 Angebote" in first and "Seite 1 von 2" in first and first.count("<h3>") == 30
    assert "/engagement/?stadtteil=Lobeda&amp;seite=2#angebote" in first
    second = client.get("/engagement/?stadtteil=Lobeda&seite=2").get_data(as_text=True)
    assert second.count("<h3>") == 5 and "Vorige Angebote" in second
    assert client.get("/engagement/?seite=99").status_code == 200  # past the end: the last page
    with transaction(engagement_app.extensions["db"]) as session:  # paused: gone from the next page at once
        row = session.scalars(select(models.Opportunity).where(models.Opportunity.title == "Angebot 00")).one()
        row.state = "paused"
    assert "34 Angebote" in client.get("/engagement/").get_data(as_text=True)
    support.opportunity(engagement_app, people["lena"]["partner_id"], title="Ganz neu")
    assert "Ganz neu" in client.get("/engagement/").get_data(as_text=True)
