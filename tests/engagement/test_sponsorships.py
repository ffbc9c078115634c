"""Patenschaften through the pages, on the real database: a family added, a Patenschaft started
with someone who offered help to one of the partner's opportunities, moved through its stages
with their days, ended with a reason, the coordinator's notes; and another partner's staff, who
neither see nor change any of it and cannot pick the partner's volunteers."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from shared.clock import utcnow
from shared.db import transaction

from services.engagement.db import models
from services.engagement.domain.vocabulary import LOCAL_TZ

from tests.support import engagement as support
from tests.support.login import login

BASE = "/engagement/partner/patenschaften/"
FAMILIES = "/engagement/partner/familien/"


def _today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def _shown(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _offered(app, opportunity_id: int, name: str, email: str, state: str = "accepted") -> str:
    """A volunteer who offered help to the opportunity (application in `state`); the key the
    form's list names them by."""
    with transaction(app.extensions["db"]) as session:
        volunteer = models.Volunteer(email=email, name=name, confirmed_at=utcnow())
        session.add(volunteer)
        session.flush()
        confirmed = None if state == "unconfirmed" else utcnow()
        session.add(
            models.Application(
                opportunity_id=opportunity_id, volunteer_id=volunteer.id, state=state, name=name, confirmed_at=confirmed
            )
        )
        return f"{volunteer.id}-{opportunity_id}"


def _family(client, name: str = "Familie Okafor", contact: str = "0176 5550101") -> int:
    answer = support.post_form(client, FAMILIES, {"name": name, "contact": contact})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:3000]
    return max(f.id for f in support.rows(client.application, "Family"))


@pytest.fixture
def lena(engagement_app, people):
    """Lena logged in, her partner's Oma/Opa-Projekt with Erika accepted, and a family."""
    client = engagement_app.test_client()
    login(client, "lena", service="engagement")
    opportunity = support.opportunity(engagement_app, people["lena"]["partner_id"], title="Oma/Opa-Projekt")
    key = _offered(engagement_app, opportunity, "Erika Muster", "erika@example.org")
    return client, _family(client), key


def _start(client, family_id: int, key: str, day: date):
    return support.post_form(client, BASE + "new", {"family": str(family_id), "volunteer": key, "day": _shown(day)})


def _started(client, family_id: int, key: str, day: date) -> int:
    answer = _start(client, family_id, key, day)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:3000]
    return int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _advance(client, sponsorship_id: int, stage: str, day: date, reason: str = ""):
    page = f"{BASE}{sponsorship_id}"
    return support.post_form(
        client, page, {"stage": stage, "day": _shown(day), "reason": reason}, action=page + "/stufe"
    )


def _row(app, sponsorship_id: int) -> models.Sponsorship:
    return next(r for r in support.rows(app, "Sponsorship") if r.id == sponsorship_id)


def test_a_patenschaft_goes_through_its_stages_with_their_days(engagement_app, lena):
    client, family, key = lena
    first = _today() - timedelta(days=90)
    sponsorship = _started(client, family, key, first)
    listed = client.get(BASE).get_data(as_text=True)
    assert "Familie Okafor" in listed and "Erika Muster" in listed and "seit " in listed and _shown(first) in listed

    for stage, day in (("getting_to_know", first + timedelta(days=7)), ("active", first + timedelta(days=30))):
        answer = _advance(client, sponsorship, stage, day)
        assert answer.status_code == 303, answer.get_data(as_text=True)[:3000]
    ended = _today() - timedelta(days=1)
    assert _advance(client, sponsorship, "ended", ended, "family_moved").status_code == 303

    row = _row(engagement_app, sponsorship)
    assert row.stage == "ended" and row.end_reason == "family_moved" and row.started_on == first
    assert row.stage_days == [
        ["getting_to_know", (first + timedelta(days=7)).isoformat()],
        ["active", (first + timedelta(days=30)).isoformat()],
        ["ended", ended.isoformat()],
    ]
    page = client.get(f"{BASE}{sponsorship}").get_data(as_text=True)
    timeline = page[page.index('class="timeline"') : page.index("</ol>")]
    for word, day in (
        ("Erstgespräch", first),
        ("Kennenlernen", first + timedelta(days=7)),
        ("Patenschaft läuft", first + timedelta(days=30)),
        ("beendet", ended),
    ):
        assert re.search(rf"{word}</strong> seit \w+, {re.escape(_shown(day))}", timeline), (word, timeline)
    assert "Familie ist umgezogen" in timeline
    assert "Nächste Stufe eintragen" not in page  # nothing after the end
    by_stage = client.get(BASE).get_data(as_text=True)
    ended_group = by_stage[by_stage.index('id="stufe-ended"') :]
    assert "Familie Okafor" in ended_group and _shown(ended) in ended_group
    assert "Erstgespräch: " in ended_group and _shown(first + timedelta(days=30)) in ended_group


def test_ending_needs_a_reason_and_stages_go_one_at_a_time(engagement_app, lena):
    client, family, key = lena
    first = _today() - timedelta(days=20)
    sponsorship = _started(client, family, key, first)

    no_reason = _advance(client, sponsorship, "ended", _today())
    page = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 400 and "Bitte wählen Sie einen Grund für das Ende." in page
    assert re.search(r'<select[^>]*autofocus[^>]*id="reason"|<select[^>]*id="reason"[^>]*autofocus', page)

    skipped = _advance(client, sponsorship, "active", _today())
    assert skipped.status_code == 400 and "ohne eine zu überspringen" in skipped.get_data(as_text=True)
    earlier = _advance(client, sponsorship, "getting_to_know", first - timedelta(days=1))
    assert earlier.status_code == 400 and "vor dem Beginn der bisherigen Stufe" in earlier.get_data(as_text=True)
    future = _advance(client, sponsorship, "getting_to_know", _today() + timedelta(days=3))
    assert future.status_code == 400 and "Zukunft" in future.get_data(as_text=True)
    unknown = _advance(client, sponsorship, "ended", _today(), "bored")
    assert unknown.status_code == 400

    row = _row(engagement_app, sponsorship)
    assert row.stage == "first_talk" and row.stage_days == [] and row.end_reason is None
    # ended straight from the first talk is allowed, with a reason
    assert _advance(client, sponsorship, "ended", _today(), "did_not_fit").status_code == 303
    again = _advance(client, sponsorship, "ended", _today(), "other")
    assert again.status_code == 409 and "schon beendet" in again.get_data(as_text=True)


def test_the_coordinator_s_notes_are_kept_and_checked(engagement_app, lena):
    client, family, key = lena
    sponsorship = _started(client, family, key, _today())
    page = f"{BASE}{sponsorship}"
    saved = support.post_form(
        client, page, {"notes": "Erstes Treffen im Familienzentrum.\nKlappt gut."}, page + "/notizen"
    )
    assert saved.status_code == 303
    assert _row(engagement_app, sponsorship).coordinator_notes == "Erstes Treffen im Familienzentrum.\nKlappt gut."
    assert "Klappt gut." in client.get(page).get_data(as_text=True)

    too_long = support.post_form(client, page, {"notes": "x" * 4001}, page + "/notizen")
    assert too_long.status_code == 400 and "Das ist zu lang." in too_long.get_data(as_text=True)
    assert _row(engagement_app, sponsorship).coordinator_notes.endswith("Klappt gut.")


def test_another_partner_neither_sees_nor_changes_a_patenschaft(engagement_app, apps, people, lena):
    client, family, key = lena
    sponsorship = _started(client, family, key, _today() - timedelta(days=5))
    page = f"{BASE}{sponsorship}"
    support.post_form(client, page, {"notes": "Vertraulich: Mutter krank."}, page + "/notizen")

    otto = engagement_app.test_client()
    login(otto, "otto", service="engagement")
    assert otto.get(page).status_code == 404
    own_token = support.CSRF.search(otto.get(FAMILIES).get_data(as_text=True)).group(1)
    for action, data in (
        ("/stufe", {"stage": "getting_to_know", "day": _shown(_today()), "reason": ""}),
        ("/notizen", {"notes": "überschrieben"}),
    ):
        assert otto.post(page + action, data={"csrf_token": own_token, **data}).status_code == 404
    for path in (BASE, FAMILIES):
        listed = otto.get(path).get_data(as_text=True)
        assert "Familie Okafor" not in listed and "Erika" not in listed and "Vertraulich" not in listed
    # lena's family is no choice for otto either
    taken = otto.post(
        BASE + "new", data={"csrf_token": own_token, "family": str(family), "volunteer": key, "day": _shown(_today())}
    )
    assert taken.status_code == 400
    assert len(support.rows(engagement_app, "Sponsorship")) == 1
    row = _row(engagement_app, sponsorship)
    assert row.stage == "first_talk" and row.coordinator_notes == "Vertraulich: Mutter krank."
    assert client.get(page).status_code == 200

    # the office sees every partner's, with the partner's name, notes included
    kora = engagement_app.test_client()
    login(kora, "kora", service="engagement")
    listed = kora.get(BASE).get_data(as_text=True)
    assert "Familie Okafor" in listed and "Mehrgenerationenhaus Lobeda" in listed
    assert "Vertraulich: Mutter krank." in kora.get(page).get_data(as_text=True)

    anonymous = engagement_app.test_client()
    for path in (BASE, page, FAMILIES, BASE + "new"):
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_only_people_who_offered_help_to_the_partner_can_be_picked(engagement_app, people, lena):
    client, family, key = lena
    app = engagement_app
    lobeda = support.opportunity(app, people["lena"]["partner_id"], title="Lesepaten")
    nord = support.opportunity(app, people["otto"]["partner_id"], title="Besuchsdienst Nord", district="Nord")
    others = _offered(app, nord, "Norbert Nord", "norbert@example.org")
    _offered(app, lobeda, "Ulla Unbestätigt", "ulla@example.org", state="unconfirmed")
    _offered(app, lobeda, "Dieter Declined", "dieter@example.org", state="declined")
    waiting = _offered(app, lobeda, "Conny Confirmed", "conny@example.org", state="confirmed")
    shift_opportunity = support.opportunity(app, people["lena"]["partner_id"], title="Sommerfest", kind="shift")
    shift = support.shift(app, shift_opportunity, utcnow() + timedelta(days=10))
    with transaction(app.extensions["db"]) as session:
        volunteer = models.Volunteer(email="sina@example.org", name="Sina Schicht", confirmed_at=utcnow())
        session.add(volunteer)
        session.flush()
        session.add(
            models.Signup(shift_id=shift, volunteer_id=volunteer.id, state="confirmed", name="Sina", queued_at=utcnow())
        )

    form = client.get(BASE + "new").get_data(as_text=True)
    assert "Erika Muster – Oma/Opa-Projekt" in form and "Conny Confirmed – Lesepaten" in form
    assert "Sina Schicht – Sommerfest" in form
    assert "Norbert" not in form and "Ulla" not in form and "Dieter" not in form

    refused = _start(client, family, others, _today())
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Bitte wählen Sie aus der Liste." in page and "Norbert" not in page
    assert support.rows(app, "Sponsorship") == []
    assert _start(client, family, waiting, _today()).status_code == 303

    # one running Patenschaft of the same two at a time
    twice = _start(client, family, waiting, _today())
    assert twice.status_code == 400 and "schon eine laufende Patenschaft" in twice.get_data(as_text=True)


def test_a_family_needs_a_name_and_the_form_opens_at_the_error(engagement_app, lena):
    client, _family_id, _key = lena
    answer = support.post_form(client, FAMILIES, {"name": "  ", "contact": "x"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Bitte ausfüllen." in page
    assert re.search(r'<input[^>]*autofocus[^>]*id="name"|<input[^>]*id="name"[^>]*autofocus', page)
    assert [f.name for f in support.rows(engagement_app, "Family")] == ["Familie Okafor"]
    with transaction(engagement_app.extensions["db"]) as session:
        assert session.scalar(select(models.Family.partner_id)) is not None


def test_the_office_adds_families_for_a_partner_and_matches_within_it(engagement_app, people, lena):
    _client, lobeda_family, erika = lena
    kora = engagement_app.test_client()
    login(kora, "kora", service="engagement")
    no_partner = support.post_form(kora, FAMILIES, {"partner": "", "name": "Familie Nguyen", "contact": ""})
    assert no_partner.status_code == 400 and "Bitte wählen Sie aus der Liste." in no_partner.get_data(as_text=True)
    nord = people["otto"]["partner_id"]
    added = support.post_form(kora, FAMILIES, {"partner": str(nord), "name": "Familie Nguyen", "contact": ""})
    assert added.status_code == 303
    nguyen = next(f for f in support.rows(engagement_app, "Family") if f.name == "Familie Nguyen")
    assert nguyen.partner_id == nord

    form = kora.get(BASE + "new").get_data(as_text=True)
    assert "Familie Nguyen (AWO Begegnungsstätte Nord)" in form
    assert "Erika Muster – Oma/Opa-Projekt (Mehrgenerationenhaus Lobeda)" in form
    across = _start(kora, nguyen.id, erika, _today())  # a Nord family, a volunteer of Lobeda's
    assert across.status_code == 400 and "einem anderen Partner" in across.get_data(as_text=True)
    sponsorship = _started(kora, lobeda_family, erika, _today() - timedelta(days=3))
    assert _row(engagement_app, sponsorship).partner_id == people["lena"]["partner_id"]

    otto = engagement_app.test_client()
    login(otto, "otto", service="engagement")
    families = otto.get(FAMILIES).get_data(as_text=True)
    assert "Familie Nguyen" in families and "Familie Okafor" not in families
