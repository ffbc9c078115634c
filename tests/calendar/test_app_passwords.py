"""People make and revoke their own app passwords (/calendar/app-passwords/): the secret is
shown once, works for CalDAV (the caldav library over real HTTP) and the API, and stops working
when revoked. Forms carry CSRF; bad input is a 400 with a message; others' passwords are out of reach."""

from __future__ import annotations

import re

import caldav
import pytest
import requests
from playwright.sync_api import expect

from services.calendar.web.app_passwords import MAX_PER_ACCOUNT

from tests.support.login import PASSWORD, login

PAGE = "/calendar/app-passwords/"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _web(calendar_app, username: str):
    client = calendar_app.test_client()
    login(client, username, service="calendar")
    return client


def _create(client, label: str):
    token = _csrf(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, "label": label})


def _secret(response) -> str:
    return re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True)).group(1)


def _caldav_works(live, username: str, secret: str) -> bool:
    try:
        with caldav.DAVClient(url=live.url + "/dav/", username=username, password=secret) as client:
            client.principal().calendars()
        return True
    except caldav.lib.error.AuthorizationError:
        return False


def test_create_use_and_revoke(calendar_app, identity, people, live):
    lena = _web(calendar_app, "lena")
    made = _create(lena, "Thunderbird im Büro")
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    page = made.get_data(as_text=True)
    secret = _secret(made)
    assert "Thunderbird im Büro" in page and "<code>lena</code>" in page and "/dav/" in page

    assert _caldav_works(live, "lena", secret)
    assert requests.get(f"{live.url}/api/rooms/rooms", auth=("lena", secret), timeout=10).status_code == 200
    listed = lena.get(PAGE).get_data(as_text=True)
    assert secret not in listed  # shown once, only the hash is kept
    mine = {p["label"]: p for p in identity.app_passwords(people["lena"]["id"])}
    assert mine["Thunderbird im Büro"]["last_used_at"] is not None  # and the page shows when

    # Otto cannot revoke Lena's password: it looks like a missing one
    otto = _web(calendar_app, "otto")
    token = _csrf(otto.get(PAGE).get_data(as_text=True))
    assert otto.post(f"{PAGE}{mine['Thunderbird im Büro']['id']}/revoke", data={"csrf_token": token}).status_code == 404
    assert _caldav_works(live, "lena", secret)

    revoked = lena.post(f"{PAGE}{mine['Thunderbird im Büro']['id']}/revoke", data={"csrf_token": _csrf(listed)})
    assert revoked.status_code == 303
    assert not _caldav_works(live, "lena", secret)  # at once where it was revoked
    # the rooms app stands for another process: its remembered check asks the database each time
    assert requests.get(f"{live.url}/api/rooms/rooms", auth=("lena", secret), timeout=10).status_code == 401
    assert _caldav_works(live, "lena", people["lena"]["app_password"])  # the others keep working


@pytest.mark.parametrize(
    "label, message",
    [
        ("", "Bitte geben Sie an, wofür das App-Passwort ist."),
        ("x" * 101, "Höchstens 100 Zeichen."),
    ],
)
def test_bad_label_is_400_at_the_field_and_creates_nothing(calendar_app, identity, people, label, message):
    lena = _web(calendar_app, "lena")
    refused = _create(lena, label)
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert len(identity.app_passwords(people["lena"]["id"])) == 1  # the fixture's own


def test_forms_need_their_csrf_token(calendar_app, identity, people):
    lena = _web(calendar_app, "lena")
    assert lena.post(PAGE, data={"label": "ohne Token"}).status_code == 400
    only = identity.app_passwords(people["lena"]["id"])[0]
    assert lena.post(f"{PAGE}{only['id']}/revoke").status_code == 400
    assert len(identity.app_passwords(people["lena"]["id"])) == 1


def test_the_page_needs_a_login_and_the_number_is_bounded(calendar_app, identity, people):
    assert calendar_app.test_client().get(PAGE).status_code == 302
    lena = _web(calendar_app, "lena")
    for n in range(MAX_PER_ACCOUNT - 1):
        assert _create(lena, f"Gerät {n}").status_code == 201
    full = _create(lena, "eins zu viel")
    assert full.status_code == 409 and "eins zu viel" not in [
        p["label"] for p in identity.app_passwords(people["lena"]["id"])
    ]
    assert len(identity.app_passwords(people["lena"]["id"])) == MAX_PER_ACCOUNT


def test_make_one_in_the_browser_and_sync_with_it(browser, live, people):
    page = browser.new_page(locale="de-DE")
    page.goto(f"{live.url}{PAGE}")
    page.get_by_label("Benutzername").fill("otto")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live.url}{PAGE}")
    page.get_by_label("Wofür?").fill("Handy")
    page.get_by_role("button", name="App-Passwort anlegen").click()
    secret = page.locator("code.secret").inner_text()
    assert _caldav_works(live, "otto", secret)
    page.get_by_role("button", name="„Handy“ entziehen").click()
    expect(page.get_by_role("status")).to_contain_text("entzogen")
    assert not _caldav_works(live, "otto", secret)
    page.close()


def test_a_label_with_control_characters_is_refused_at_the_field(calendar_app, people):
    """A NUL in the label reached PostgreSQL and gave a 500 (found by tests/fuzz)."""
    client = calendar_app.test_client()
    login(client, "lena", service="calendar")
    page = client.get("/calendar/app-passwords/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/calendar/app-passwords/", data={"csrf_token": token, "label": "Handy\x00Büro"})
    assert response.status_code == 400
    assert "Steuerzeichen" in response.get_data(as_text=True)
    assert [p["label"] for p in calendar_app.extensions["identity"].app_passwords(people["lena"]["id"])] == ["test"]


def test_revoking_an_id_beyond_the_database_is_not_found(calendar_app, people):
    """/calendar/app-passwords/2147483648/revoke gave a 500 ("integer out of range", found by
    `make fuzz`): every app's <int:…> is now shared.ids.IdConverter."""
    client = calendar_app.test_client()
    login(client, "lena", service="calendar")
    page = client.get("/calendar/app-passwords/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    for wanted in ("2147483648", "99999999999999999999", "0"):
        assert client.post(f"/calendar/app-passwords/{wanted}/revoke", data={"csrf_token": token}).status_code == 404
