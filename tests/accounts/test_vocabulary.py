"""The shared vocabulary through the front door, on PostgreSQL and Redis: the office adds,
renames, orders, retires and brings back terms at /account/admin/vocabulary, and the calendar's
form, public pages (with their ETag and kept pages), feeds and the rooms' equipment follow;
what holds a retired term keeps it; clashes are refused at the field; every change is audited."""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.test import Client

from shared.identity.models import AuditEntry

from tests.accounts.conftest import errors_at, post_form
from tests.support.login import login
from tests.support.rooms import csrf_token

VOCABULARY = "/account/admin/vocabulary/"
SNAPSHOT_SECONDS = 1.1  # the public pages read identity at most once a second (snapshot.py)


@pytest.fixture
def office(frontdoor, people):
    client = Client(frontdoor)
    login(client, "kora", service="account")
    return client


@pytest.fixture
def lena(frontdoor, people):
    client = Client(frontdoor)
    login(client, "lena")
    return client


def _add(office, kind: str, german: str, english: str):
    return post_form(office, VOCABULARY, {"new-kind": kind, "new-label_de": german, "new-label_en": english})


def _button(office, kind: str, key: str, action: str, **fields):
    return post_form(office, f"{VOCABULARY}{kind}/{key}/{action}", fields, page=VOCABULARY)


def _offering(lena, title: str, **changes) -> str:
    """A weekly public offering of Lena's partner, entered through the form; its edit path."""
    today = date.today()
    fields = {
        "title": title,
        "day": (today + timedelta(days=(2 - today.weekday()) % 7 or 7)).strftime("%d.%m.%Y"),
        "starts": "14:30",
        "ends": "16:00",
        "freq": "weekly",
        "ends_by": "open",
        "district": "",
        "categories": ["Begegnung"],
        "audiences": ["Senioren"],
        "public": "y",
        **changes,
    }
    page = lena.get("/calendar/offerings/new").get_data(as_text=True)
    created = lena.post("/calendar/offerings/new", data={"csrf_token": csrf_token(page), **fields})
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    return created.headers["Location"]


def _audit(accounts_app) -> list[AuditEntry]:
    with accounts_app.extensions["db"]() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_category_the_office_adds_is_offered_in_the_form_and_filters_pages_and_feeds(
    office, lena, frontdoor, accounts_app
):
    assert 'value="Musik"' not in lena.get("/calendar/offerings/new").get_data(as_text=True)
    added = _add(office, "category", "  Musik ", "Music")
    assert added.status_code == 303 and added.headers["Location"].endswith(f"{VOCABULARY}#category")
    assert "Musik" in office.get(VOCABULARY).get_data(as_text=True)
    assert 'value="Musik"' in lena.get("/calendar/offerings/new").get_data(as_text=True)
    _offering(lena, "Offenes Singen", categories=["Musik"])

    time.sleep(SNAPSHOT_SECONDS)
    visitor = Client(frontdoor)
    listing = visitor.get("/calendar/?category=musik")
    assert listing.status_code == 200 and "Offenes Singen" in listing.get_data(as_text=True)
    assert "?category=Musik" in visitor.get("/calendar/").get_data(as_text=True)  # a filter link
    english = visitor.get("/calendar/?category=Musik", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ">Music" in english
    feed = visitor.get("/feeds/network.ics?category=Musik")
    assert feed.status_code == 200 and b"Offenes Singen" in feed.data

    (entry,) = _audit(accounts_app)
    assert entry.action == "term_added" and entry.actor_name == "Kora" and entry.subject == "Musik"
    assert json.loads(entry.changes) == {
        "kind": [None, "category"],
        "key": [None, "Musik"],
        "label_de": [None, "Musik"],
        "label_en": [None, "Music"],
    }


def test_a_new_label_shows_on_the_public_pages_within_a_second_and_changes_their_etag(office, frontdoor, accounts_app):
    visitor = Client(frontdoor)
    before = visitor.get("/calendar/")
    assert "Sport und Bewegung" in before.get_data(as_text=True)
    tag = before.headers["ETag"]
    assert visitor.get("/calendar/", headers={"If-None-Match": tag}).status_code == 304  # kept

    changed = post_form(
        office, f"{VOCABULARY}category/Sport", {"label_de": "Bewegung und Sport", "label_en": "Exercise and sport"}
    )
    assert changed.status_code == 303
    time.sleep(SNAPSHOT_SECONDS)
    after = visitor.get("/calendar/", headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
    page = after.get_data(as_text=True)
    assert "Bewegung und Sport" in page and "Sport und Bewegung" not in page and "?category=Sport" in page
    assert "Exercise and sport" in visitor.get("/calendar/", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert [e.action for e in _audit(accounts_app)] == ["term_changed"]
    assert (
        post_form(
            office, f"{VOCABULARY}category/Sport", {"label_de": "Bewegung und Sport", "label_en": "Exercise and sport"}
        ).status_code
        == 303
    )
    assert len(_audit(accounts_app)) == 1  # nothing changed, nothing logged


def test_a_retired_term_leaves_every_choice_but_stays_with_what_holds_it(
    office, lena, frontdoor, accounts_app, rooms_app, lobeda_room
):
    edit_path = _offering(lena, "Lesekreis", categories=["Kultur"])
    assert _button(office, "category", "Kultur", "retire").status_code == 303
    assert _button(office, "equipment", "beamer", "retire").status_code == 303
    time.sleep(SNAPSHOT_SECONDS)

    assert 'value="Kultur"' not in lena.get("/calendar/offerings/new").get_data(as_text=True)
    edit = lena.get(edit_path).get_data(as_text=True)  # the offering's own form keeps it, ticked
    assert re.search(r'value="Kultur"[^>]*checked|checked[^>]*value="Kultur"', edit)
    visitor = Client(frontdoor)
    assert "?category=Kultur" not in visitor.get("/calendar/").get_data(as_text=True)
    listing = visitor.get("/calendar/?category=Kultur")  # an old address still works
    assert listing.status_code == 200
    offering = re.search(r'href="(/calendar/offering/\d+)"', listing.get_data(as_text=True)).group(1)
    assert ">Kultur" in visitor.get(offering).get_data(as_text=True)  # its label, still shown
    feed = visitor.get("/feeds/network.ics?category=Kultur")
    assert feed.status_code == 200 and b"Lesekreis" in feed.data
    assert 'value="Kultur"' not in visitor.get("/calendar/subscribe").get_data(as_text=True)

    search = lena.get("/rooms/").get_data(as_text=True)
    assert 'value="beamer"' not in search  # no longer a wish to search by
    assert "Beamer" in lena.get(f"/rooms/{lobeda_room}").get_data(as_text=True)  # the room still has one
    assert 'value="beamer"' in lena.get(f"/rooms/{lobeda_room}/edit").get_data(as_text=True)

    assert _button(office, "category", "Kultur", "reactivate").status_code == 303
    time.sleep(SNAPSHOT_SECONDS)
    assert "?category=Kultur" in visitor.get("/calendar/").get_data(as_text=True)
    assert [e.action for e in _audit(accounts_app)] == ["term_retired", "term_retired", "term_reactivated"]


def test_a_new_accessibility_fact_gets_an_ascii_key_and_terms_move_within_their_list(
    office, frontdoor, accounts_app, identity
):
    assert _add(office, "accessibility", "Rollstuhlgerechtes WC", "Accessible toilet").status_code == 303
    assert identity.vocabulary().keys("accessibility")[-1] == "rollstuhlgerechtes-wc"
    time.sleep(SNAPSHOT_SECONDS)
    assert Client(frontdoor).get("/calendar/?access=rollstuhlgerechtes-wc").status_code == 200

    assert _button(office, "category", "Begegnung", "move", step="up").status_code == 303
    assert identity.vocabulary().keys("category")[-2:] == ("Begegnung", "Bildung")
    assert _button(office, "category", "Sport", "move", step="up").status_code == 303  # already first
    assert _button(office, "category", "Sport", "move", step="sideways").status_code == 400
    assert [e.action for e in _audit(accounts_app)] == ["term_added", "term_moved"]


def test_clashes_and_unusable_names_are_refused_at_the_field_and_leave_no_trace(office, lena, accounts_app, identity):
    for kind, german, why in (
        ("category", "sport", "gibt es in dieser Liste schon"),  # Sport's key, in other letters
        ("category", "Lernen", "gibt es in dieser Liste schon"),  # Bildung's label
        ("accessibility", "Gebärdensprache", "gibt es in dieser Liste schon"),  # gebaerdensprache
        ("category", "Kaffee, Kuchen", "kein Komma"),
        ("equipment", "!!!", "mindestens einen Buchstaben"),
    ):
        refused = _add(office, kind, german, "x")
        assert refused.status_code in (400, 409), german
        assert why in errors_at(refused, "new-label_de"), german
        assert "autofocus" in refused.get_data(as_text=True)
    empty = _add(office, "category", "", "")
    assert empty.status_code == 400 and "Bitte den deutschen Begriff eingeben." in errors_at(empty, "new-label_de")
    assert "Bitte den englischen Begriff eingeben." in errors_at(empty, "new-label_en")
    clash = post_form(office, f"{VOCABULARY}category/Kultur", {"label_de": "Essen", "label_en": "Food"})
    assert clash.status_code == 409 and "schon" in errors_at(clash, "label_de")

    assert "Alle" in identity.vocabulary().keys("audience", active_only=True)
    assert "audience/Alle/retire" not in office.get(VOCABULARY).get_data(as_text=True)  # no such button
    fixed = _button(office, "audience", "Alle", "retire")
    assert fixed.status_code == 409 and "für eine Regel" in fixed.get_data(as_text=True)
    assert office.get(f"{VOCABULARY}category/Schach").status_code == 404
    assert office.post(f"{VOCABULARY}category/Kultur/retire").status_code == 400  # no CSRF token
    assert lena.get(VOCABULARY).status_code == 403
    assert _audit(accounts_app) == []
