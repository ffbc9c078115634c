"""The sources pages through the real app (Flask's test client): who sees which partner's
sources, the form's checks and German answers, the password sealed and never shown, pull now,
delete with its calendar; and the source's calendar kept out of the offering editor."""

from __future__ import annotations

from werkzeug.test import Client

from shared.clock import utcnow
from shared.db import transaction

from services.calendar.store.sql_sources import Sources
from services.calendar.subscriptions.fetch import REFUSED, FetchProblem
from services.calendar.subscriptions.sealing import sealer_of

from tests.support.login import csrf_of, login

CALDAV_URL = "https://cloud.example.org/remote.php/dav/calendars/haus/veranstaltungen/"


def _client(frontdoor, who: str):
    client = Client(frontdoor)
    login(client, who)
    return client


def _post_new(client, partner: str = "", **fields):
    page = client.get("/calendar/sources/new" + (f"?partner={partner}" if partner else ""))
    assert page.status_code == 200
    data = {"csrf_token": csrf_of(page.get_data(as_text=True)), "kind": "ics", "interval": "60", "visibility": "all"}
    data.update(fields)
    if partner:
        data["partner"] = partner
    return client.post("/calendar/sources/new", data=data)


def _sources(calendar_app, partner_id: int):
    with transaction(calendar_app.extensions["db"]) as session:
        return Sources(session).of_partner(partner_id)


def test_staff_add_a_webcal_source_for_their_own_partner(frontdoor, calendar_app, people):
    client = _client(frontdoor, "lena")
    answer = _post_new(client, name="Termine von Google", url="webcal://calendar.google.com/calendar/ical/x/basic.ics")
    assert answer.status_code == 302
    [source] = _sources(calendar_app, people["lena"]["partner_id"])
    assert source.url == "https://calendar.google.com/calendar/ical/x/basic.ics"
    assert (source.state, source.calendar_name, source.interval_minutes) == ("new", "Termine von Google", 60)
    listing = client.get("/calendar/sources/").get_data(as_text=True)
    assert "Termine von Google" in listing and "noch nicht abgerufen" in listing


def test_a_caldav_source_needs_its_user_and_password_which_is_sealed_and_never_shown(frontdoor, calendar_app, people):
    client = _client(frontdoor, "lena")
    refused = _post_new(client, kind="caldav", name="Nextcloud", url=CALDAV_URL)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Benutzernamen" in text and "App-Passwort" in text
    assert _post_new(client, kind="caldav", name="Nextcloud", url=CALDAV_URL, username="haus",
                     password="sehr-geheim-123").status_code == 302  # fmt: skip
    [source] = _sources(calendar_app, people["lena"]["partner_id"])
    with transaction(calendar_app.extensions["db"]) as session:
        sealed = Sources(session).sealed_password(source.id)
    assert "sehr-geheim-123" not in sealed
    assert sealer_of(calendar_app.config["SETTINGS"]).open(sealed) == "sehr-geheim-123"
    page = client.get(f"/calendar/sources/{source.id}").get_data(as_text=True)
    assert "sehr-geheim-123" not in page and sealed not in page
    # saved again with an empty password field: the stored one is kept
    form = {"csrf_token": csrf_of(page), "kind": "caldav", "url": CALDAV_URL, "username": "haus", "password": "",
            "name": "Nextcloud des Hauses", "interval": "180", "visibility": "marked"}  # fmt: skip
    assert client.post(f"/calendar/sources/{source.id}", data=form).status_code == 302
    with transaction(calendar_app.extensions["db"]) as session:
        assert Sources(session).sealed_password(source.id) == sealed
        changed = Sources(session).get(source.id)
    assert (changed.calendar_name, changed.interval_minutes, changed.all_public) == ("Nextcloud des Hauses", 180, False)


def test_bad_addresses_are_refused_in_german_at_their_field(frontdoor, calendar_app, people):
    client = _client(frontdoor, "lena")
    for url, words in (
        ("ftp://example.org/k.ics", "https://"),
        ("https://haus:pw@example.org/k.ics", "Passwort"),
        ("", "Adresse"),
    ):
        answer = _post_new(client, name="X", url=url)
        assert answer.status_code == 422
        assert words in answer.get_data(as_text=True)
        assert 'id="url"' in answer.get_data(as_text=True)
    assert _sources(calendar_app, people["lena"]["partner_id"]) == []


def test_partners_cannot_see_or_touch_each_others_sources(frontdoor, calendar_app, people):
    lena = _client(frontdoor, "lena")
    assert _post_new(lena, name="Lenas", url="https://example.org/k.ics").status_code == 302
    [source] = _sources(calendar_app, people["lena"]["partner_id"])
    otto = _client(frontdoor, "otto")
    assert otto.get(f"/calendar/sources/{source.id}").status_code == 404
    assert otto.get(f"/calendar/sources/{source.id}/delete").status_code == 404
    assert otto.get("/calendar/sources/?partner=mgh-lobeda").status_code == 404
    assert "Lenas" not in otto.get("/calendar/sources/").get_data(as_text=True)
    token = csrf_of(otto.get("/calendar/sources/new").get_data(as_text=True))
    assert otto.post(f"/calendar/sources/{source.id}/delete", data={"csrf_token": token}).status_code == 404
    assert otto.post(f"/calendar/sources/{source.id}/pull", data={"csrf_token": token}).status_code == 404
    assert len(_sources(calendar_app, people["lena"]["partner_id"])) == 1


def test_the_coordination_office_manages_any_partners_sources(frontdoor, calendar_app, people):
    kora = _client(frontdoor, "kora")
    assert "AWO Begegnungsstätte Nord" in kora.get("/calendar/sources/").get_data(as_text=True)
    assert _post_new(kora, partner="awo-nord", name="Für die AWO", url="https://example.org/awo.ics").status_code == 302
    [source] = _sources(calendar_app, people["otto"]["partner_id"])
    assert source.calendar_name == "Für die AWO"
    assert "Für die AWO" in kora.get("/calendar/sources/?partner=awo-nord").get_data(as_text=True)
    assert "Für die AWO" in _client(frontdoor, "otto").get("/calendar/sources/").get_data(as_text=True)


def test_pull_now_and_delete_with_confirmation_need_csrf(frontdoor, calendar_app, people):
    client = _client(frontdoor, "lena")
    _post_new(client, name="Bald weg", url="https://example.org/k.ics")
    [source] = _sources(calendar_app, people["lena"]["partner_id"])
    assert client.post(f"/calendar/sources/{source.id}/pull").status_code == 400  # no CSRF token
    confirm = client.get(f"/calendar/sources/{source.id}/delete")
    assert confirm.status_code == 200 and "Ja, löschen" in confirm.get_data(as_text=True)
    token = csrf_of(confirm.get_data(as_text=True))
    assert client.post(f"/calendar/sources/{source.id}/pull", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/calendar/sources/{source.id}/delete", data={"csrf_token": token}).status_code == 302
    assert _sources(calendar_app, people["lena"]["partner_id"]) == []
    with transaction(calendar_app.extensions["db"]) as session:
        from services.calendar.store.sql import SqlStore

        assert SqlStore(session).calendar(source.calendar_slug) is None


def test_the_sources_calendar_is_not_offered_in_the_offering_editor(frontdoor, calendar_app, people):
    client = _client(frontdoor, "lena")
    _post_new(client, name="Von draußen", url="https://example.org/k.ics")
    [source] = _sources(calendar_app, people["lena"]["partner_id"])
    offerings = client.get("/calendar/offerings").get_data(as_text=True)
    assert "Von draußen" not in offerings and "/calendar/sources/" in offerings
    assert client.get(f"/calendar/offerings/new?calendar={source.calendar_slug}").status_code == 404
    assert client.get(f"/calendar/offerings/{source.calendar_slug}/x.ics").status_code == 404


def test_the_account_export_names_the_sources_set_up_and_erasing_forgets_who(frontdoor, calendar_app, people):
    from services.calendar.store import account_data

    client = _client(frontdoor, "lena")
    assert _post_new(client, kind="caldav", name="Nextcloud", url=CALDAV_URL, username="lena.haus",
                     password="sehr-geheim-123").status_code == 302  # fmt: skip
    factory, lena = calendar_app.extensions["db"], people["lena"]["id"]
    with transaction(factory) as session:
        exported = account_data.gather(session, lena).sections["calendar_sources"]
    assert [(s["kind"], s["url"], s["username"]) for s in exported] == [("caldav", CALDAV_URL, "lena.haus")]
    assert "sehr-geheim" not in repr(exported)
    with transaction(factory) as session:
        assert account_data.erase(session, lena, [])["calendar_sources"] == 1
    with transaction(factory) as session:
        assert account_data.gather(session, lena).sections["calendar_sources"] == []
    assert len(_sources(calendar_app, people["lena"]["partner_id"])) == 1  # the partner's source goes on


def test_the_demo_loads_one_source_for_the_first_partner_once(calendar_app, people):
    from shared.clock import utcnow

    from services.calendar import demo

    demo.load_source(calendar_app, utcnow())
    demo.load_source(calendar_app, utcnow())
    [source] = _sources(calendar_app, people["lena"]["partner_id"])
    assert source.url.endswith("/demo-feed.ics") and source.kind == "ics"
    assert Client(calendar_app).get(source.url.split("8080", 1)[1]).status_code == 200


def test_a_failing_sources_reason_is_shown_in_the_readers_language(frontdoor, calendar_app, people):
    client = _client(frontdoor, "lena")
    assert _post_new(client, name="Hauskalender", url="https://intern.example/kalender.ics").status_code == 302
    [source] = _sources(calendar_app, people["lena"]["partner_id"])
    now = utcnow()
    with transaction(calendar_app.extensions["db"]) as session:
        Sources(session).finish(source.id, now, now, problem=FetchProblem(REFUSED["internal"], host="intern.example"))
    german = client.get("/calendar/sources/").get_data(as_text=True)
    assert "Der Server „intern.example“ liegt in einem internen Netz" in german
    calendar_app.extensions["identity"].set_language(people["lena"]["id"], "en")  # her choice, as on her page
    english = client.get("/calendar/sources/").get_data(as_text=True)
    assert "The server “intern.example” is in an internal network" in english
    [failing] = _sources(calendar_app, people["lena"]["partner_id"])
    assert failing.reason.startswith("Der Server „intern.example“")  # the German sentence, for log and export
