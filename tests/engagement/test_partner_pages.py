"""The partners' and the office's pages, through HTTP with a login: posting an opportunity, the
office's review (and publishing directly without it), the form's errors, and that one partner
never reaches another's opportunities, offers of help or rosters."""

from __future__ import annotations

import dataclasses
import re

import pytest

from services.engagement.db import models

from tests.engagement.partner_support import (
    VALID,
    application,
    client_of,
    get,
    opportunity,
    page_token,
    shift,
    token,
)


@pytest.fixture
def engagement(apps):
    app = apps["engagement"]
    saved = app.config["ENGAGEMENT_SETTINGS"]
    yield app
    app.config["ENGAGEMENT_SETTINGS"] = saved


def _post_new(client, **changes):
    data = {**VALID, **changes, "csrf_token": page_token(client, "/engagement/partner/new")}
    return client.post("/engagement/partner/new", data=data)


def _only_row(app) -> models.Opportunity:
    with app.extensions["db"]() as session:
        (row,) = session.query(models.Opportunity).all()
        session.expunge(row)
        return row


def _public(app) -> str:
    return app.test_client().get("/engagement/").get_data(as_text=True)


def _move(client, opportunity_id: int, target: str, **extra):
    csrf = page_token(client, "/engagement/partner/")
    return client.post(
        f"/engagement/partner/opportunities/{opportunity_id}/move",
        data={"csrf_token": csrf, "target": target, **extra},
    )


def test_a_post_goes_through_review_before_the_public_sees_it(engagement, people):
    lena, kora = client_of(engagement, "lena"), client_of(engagement, "kora")
    assert _post_new(lena).status_code == 303
    row = _only_row(engagement)
    assert (row.state, row.partner_id, row.weekdays, row.expected_minutes) == (
        "draft",
        people["lena"]["partner_id"],
        [1, 3],
        120,
    )
    assert "Besuchsdienst in Lobeda" not in _public(engagement)  # a draft is not public

    page = lena.get("/engagement/partner/").get_data(as_text=True)
    assert "Besuchsdienst in Lobeda" in page and 'value="in_review"' in page and 'value="published"' not in page
    assert _move(lena, row.id, "published").status_code == 303  # refused: the office reviews first
    assert get(engagement, models.Opportunity, row.id).state == "draft"
    _move(lena, row.id, "in_review")
    assert get(engagement, models.Opportunity, row.id).state == "in_review"

    review = kora.get("/engagement/partner/review")
    assert review.status_code == 200 and "Besuchsdienst in Lobeda" in review.get_data(as_text=True)
    _move(kora, row.id, "draft", note="Bitte die Uhrzeit dazuschreiben.")  # sent back with a note
    back = get(engagement, models.Opportunity, row.id)
    assert (back.state, back.review_note) == ("draft", "Bitte die Uhrzeit dazuschreiben.")
    assert "Bitte die Uhrzeit dazuschreiben." in lena.get("/engagement/partner/").get_data(as_text=True)

    _move(lena, row.id, "in_review")
    _move(kora, row.id, "published")
    published = get(engagement, models.Opportunity, row.id)
    assert (published.state, published.review_note) == ("published", "")
    assert published.published_at is not None
    assert engagement.test_client().get(f"/engagement/{row.id}").status_code == 200


def test_the_office_cannot_send_a_post_back_without_saying_why(engagement, people):
    kora = client_of(engagement, "kora")
    row_id = opportunity(engagement, people["lena"]["partner_id"], state="in_review", published_at=None)
    _move(kora, row_id, "draft", note="  ")
    assert get(engagement, models.Opportunity, row_id).state == "in_review"


def test_only_the_office_opens_the_review(engagement, people):
    assert client_of(engagement, "lena").get("/engagement/partner/review").status_code == 403


def test_without_review_the_partner_publishes_directly(engagement, people):
    engagement.config["ENGAGEMENT_SETTINGS"] = dataclasses.replace(
        engagement.config["ENGAGEMENT_SETTINGS"], review=False
    )
    lena = client_of(engagement, "lena")
    _post_new(lena)
    row = _only_row(engagement)
    assert 'value="published"' in lena.get("/engagement/partner/").get_data(as_text=True)
    _move(lena, row.id, "published")
    assert get(engagement, models.Opportunity, row.id).state == "published"
    assert engagement.test_client().get(f"/engagement/{row.id}").status_code == 200


def test_an_edit_of_a_published_opportunity_keeps_it_online(engagement, people):
    lena = client_of(engagement, "lena")
    row_id = opportunity(engagement, people["lena"]["partner_id"])
    path = f"/engagement/partner/opportunities/{row_id}/edit"
    form = lena.get(path).get_data(as_text=True)
    assert "Vorlesen in der Kita" in form
    response = lena.post(path, data={**VALID, "title": "Vorlesen in der Kita Lobeda", "csrf_token": token(form)})
    assert response.status_code == 303
    row = get(engagement, models.Opportunity, row_id)
    assert (row.state, row.title) == ("published", "Vorlesen in der Kita Lobeda")


def test_a_form_with_mistakes_answers_400_and_opens_at_its_first_error(engagement, people):
    lena = client_of(engagement, "lena")
    response = _post_new(
        lena, title="", description="kurz", topics=[], hours="zwei", contact_email="", contact_phone=""
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte korrigieren Sie:" in html
    assert "Bitte ausfüllen." in html  # the title
    assert "mindestens 20 Zeichen" in html  # the description
    assert "Bitte wählen Sie mindestens ein Thema." in html
    assert "Bitte eine Zahl, z. B. 2 oder 1,5." in html  # the hours, once: the parse's words
    assert html.count("Bitte eine Zahl, z. B. 2 oder 1,5.") == 2  # in the summary and at the field
    assert "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an." in html
    (title,) = re.findall(r'<input[^>]*id="title"[^>]*>', html)
    assert "autofocus" in title and 'aria-invalid="true"' in title  # the first field with a mistake
    assert len(re.findall(r"\bautofocus\b", html)) == 1
    with engagement.extensions["db"]() as session:
        assert session.query(models.Opportunity).count() == 0  # nothing half-written


def test_an_unknown_value_is_refused_in_plain_words(engagement, people):
    response = _post_new(client_of(engagement, "lena"), district="Atlantis", topics=["astronautics"])
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte wählen Sie einen Stadtteil aus der Liste." in html and "Bitte wählen Sie aus der Liste." in html


def test_staff_post_for_their_own_partner_and_the_office_chooses(engagement, people):
    otto = client_of(engagement, "otto")
    _post_new(otto, partner=str(people["lena"]["partner_id"]))  # a forged partner field changes nothing
    assert _only_row(engagement).partner_id == people["otto"]["partner_id"]
    with engagement.app_context():
        from shared.db import transaction

        with transaction(engagement.extensions["db"]) as session:
            session.query(models.Opportunity).delete()
    kora = client_of(engagement, "kora")
    assert 'name="partner"' in kora.get("/engagement/partner/new").get_data(as_text=True)
    _post_new(kora, partner=str(people["lena"]["partner_id"]))
    assert _only_row(engagement).partner_id == people["lena"]["partner_id"]


def test_the_public_index_links_staff_to_their_opportunities(engagement, people):
    assert "/engagement/partner/" not in engagement.test_client().get("/engagement/").get_data(as_text=True)
    assert "/engagement/partner/" in client_of(engagement, "lena").get("/engagement/").get_data(as_text=True)


def test_the_list_shows_the_partners_own_opportunities_with_new_offers_and_free_places(engagement, people):
    lena_partner, otto_partner = people["lena"]["partner_id"], people["otto"]["partner_id"]
    mine = opportunity(engagement, lena_partner, title="Lesepaten Lobeda")
    application(engagement, mine)
    festival = opportunity(
        engagement, lena_partner, kind="shift", title="Herbstfest Lobeda", weekdays=[], times_of_day=[]
    )
    shift(engagement, festival, 4, ["Anna Beck"])
    opportunity(engagement, otto_partner, title="Mittagstisch Nord")
    html = client_of(engagement, "lena").get("/engagement/partner/").get_data(as_text=True)
    assert "Lesepaten Lobeda" in html and "Herbstfest Lobeda" in html and "Mittagstisch Nord" not in html
    assert "(1 neu)" in html and "3 von 4 Plätzen frei" in html
    office = client_of(engagement, "kora").get("/engagement/partner/").get_data(as_text=True)
    assert "Mittagstisch Nord" in office and "Lesepaten Lobeda" in office


def _routes(opportunity_id: int, shift_id: int, application_id: int, signup_id: int):
    base = f"/engagement/partner/opportunities/{opportunity_id}"
    shifts = f"{base}/shifts/{shift_id}"
    return [
        ("GET", f"{base}/edit"),
        ("POST", f"{base}/edit"),
        ("POST", f"{base}/move"),
        ("GET", f"{base}/inbox"),
        ("POST", f"{base}/inbox/{application_id}/accept"),
        ("POST", f"{base}/inbox/{application_id}/decline"),
        ("POST", f"{base}/inbox/{application_id}/in_touch"),
        ("GET", f"{base}/shifts"),
        ("POST", f"{base}/shifts"),
        ("POST", f"{shifts}/capacity"),
        ("POST", f"{shifts}/cancel"),
        ("POST", f"{shifts}/signups/{signup_id}/remove"),
        ("GET", f"{shifts}/roster"),
        ("GET", f"{shifts}/roster.csv"),
    ]


def test_another_partner_reaches_nothing_of_lenas(engagement, people):
    """Otto (another partner's staff) gets 404 on every address of Lena's opportunities, with a
    valid CSRF token, and nothing changes; Kora (the office) and Lena reach them all."""
    partner = people["lena"]["partner_id"]
    regular = opportunity(engagement, partner)
    application_id = application(engagement, regular)
    festival = opportunity(engagement, partner, kind="shift", weekdays=[], times_of_day=[])
    shift_id = shift(engagement, festival, 1, ["Anna Beck"])
    with engagement.extensions["db"]() as session:
        (signup,) = session.query(models.Signup).all()
        signup_id = signup.id
    otto = client_of(engagement, "otto")
    csrf = page_token(otto, "/engagement/partner/")
    for opportunity_id in (regular, festival):
        for method, path in _routes(opportunity_id, shift_id, application_id, signup_id):
            if method == "GET":
                response = otto.get(path)
            else:
                response = otto.post(path, data={**VALID, "csrf_token": csrf, "target": "closed", "capacity": "5"})
            assert response.status_code == 404, (method, path, response.status_code)
    assert get(engagement, models.Opportunity, regular).state == "published"
    assert get(engagement, models.Application, application_id).state == "confirmed"
    assert get(engagement, models.Shift, shift_id).capacity == 1
    assert "Anna Beck" not in otto.get("/engagement/partner/").get_data(as_text=True)

    for username in ("lena", "kora"):
        client = client_of(engagement, username)
        for path in (
            f"/engagement/partner/opportunities/{regular}/edit",
            f"/engagement/partner/opportunities/{regular}/inbox",
            f"/engagement/partner/opportunities/{festival}/shifts",
            f"/engagement/partner/opportunities/{festival}/shifts/{shift_id}/roster",
            f"/engagement/partner/opportunities/{festival}/shifts/{shift_id}/roster.csv",
        ):
            assert client.get(path).status_code == 200, (username, path)


def test_without_a_login_the_pages_ask_for_one(engagement, people):
    response = engagement.test_client().get("/engagement/partner/")
    assert response.status_code == 302 and "/engagement/login" in response.headers["Location"]


def test_the_kind_stays_once_people_have_offered_help(engagement, people):
    lena = client_of(engagement, "lena")
    row_id = opportunity(engagement, people["lena"]["partner_id"])
    application(engagement, row_id)
    path = f"/engagement/partner/opportunities/{row_id}/edit"
    response = lena.post(path, data={**VALID, "kind": "open", "csrf_token": page_token(lena, path)})
    assert response.status_code == 400 and "Bitte legen Sie ein neues Angebot an." in response.get_data(as_text=True)
    assert get(engagement, models.Opportunity, row_id).kind == "regular"


def test_an_opportunity_with_people_on_shifts_ahead_is_not_closed_before_they_are_told(engagement, people):
    lena = client_of(engagement, "lena")
    festival = opportunity(engagement, people["lena"]["partner_id"], kind="shift", weekdays=[], times_of_day=[])
    shift_id = shift(engagement, festival, 2, ["Anna Beck"])
    _move(lena, festival, "closed")
    assert get(engagement, models.Opportunity, festival).state == "published"
    assert "Bitte sagen Sie diese Termine zuerst ab" in lena.get("/engagement/partner/").get_data(as_text=True)
    shifts = f"/engagement/partner/opportunities/{festival}/shifts"
    lena.post(f"{shifts}/{shift_id}/cancel", data={f"cancel{shift_id}-csrf_token": page_token(lena, shifts)})
    _move(lena, festival, "closed")
    assert get(engagement, models.Opportunity, festival).state == "closed"
    edit = f"/engagement/partner/opportunities/{festival}/edit"
    response = lena.post(edit, data={**VALID, "kind": "shift", "csrf_token": page_token(lena, edit)})
    assert response.status_code == 409  # closed is final
