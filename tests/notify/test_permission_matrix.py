"""Who may do what with notify's deliveries, as a matrix of roles × actions over HTTP (the rules
are services/notify/domain/permissions.py). One failed email to Lena (staff of partner A) is
the subject of every cell; each cell is asked through the real pages with a fresh database."""

from __future__ import annotations

import base64
import re

import pytest

from tests.support.login import PASSWORD, login
from tests.support.notify import notice_payload

ROLES = ("recipient", "colleague", "other_partner", "coordination", "anonymous", "app_password")
USERS = {"recipient": "lena", "colleague": "lars", "other_partner": "otto", "coordination": "kora"}

SHOWN, HIDDEN, OK, NOT_FOUND, FORBIDDEN, LOGIN, DENIED, RESENT = (
    "shown",
    "hidden",
    "ok",
    "not found",
    "forbidden",
    "login",
    "denied",
    "resent",
)
# lists show the delivery or not; one delivery: 200 or 404 (someone else's looks missing);
# anonymous visitors are sent to the login form; an app password opens no page (issue 9, #7)
MATRIX = {
    "list deliveries": dict(
        recipient=SHOWN,
        colleague=HIDDEN,
        other_partner=HIDDEN,
        coordination=SHOWN,
        anonymous=LOGIN,
        app_password=DENIED,
    ),
    "list given up": dict(
        recipient=SHOWN,
        colleague=HIDDEN,
        other_partner=HIDDEN,
        coordination=SHOWN,
        anonymous=LOGIN,
        app_password=DENIED,
    ),
    "see delivery": dict(
        recipient=OK,
        colleague=NOT_FOUND,
        other_partner=NOT_FOUND,
        coordination=OK,
        anonymous=LOGIN,
        app_password=DENIED,
    ),
    "see invitation": dict(
        recipient=OK,
        colleague=NOT_FOUND,
        other_partner=NOT_FOUND,
        coordination=OK,
        anonymous=LOGIN,
        app_password=DENIED,
    ),
    "resend": dict(
        recipient=FORBIDDEN,
        colleague=FORBIDDEN,
        other_partner=FORBIDDEN,
        coordination=RESENT,
        anonymous=LOGIN,
        app_password=DENIED,
    ),
}
CELLS = [(action, role) for action in MATRIX for role in ROLES]


@pytest.fixture
def failed_delivery(notify_app, identity, people, run_task, smtp_sink, deliveries):
    """Lena's confirmation, refused by the mail server for good; Lars is her colleague."""
    identity.create_account(
        "lars", "Lars", partner_slug="mgh-lobeda", role="staff", email="lars@example.org", password=PASSWORD
    )
    identity.create_app_password("lena", "Handy", secret="lenas-app-passwort")
    smtp_sink.fail("550 5.1.1 mailbox unknown", 1)
    run_task(
        "notify.booking_notice",
        **notice_payload(account_id=people["lena"]["id"], phone="", title="Krabbelgruppe Lobeda"),
    )
    [row] = deliveries()
    assert row["status"] == "failed"
    return row


def _client(notify_app, role):
    client = notify_app.test_client()
    if role in USERS:
        login(client, USERS[role], service="notify")
    elif role == "app_password":
        secret = base64.b64encode(b"lena:lenas-app-passwort").decode()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Basic {secret}"
    return client


def _csrf(client) -> str:
    """A form token as the role's browser would have it (the login page has one for anyone)."""
    page = client.get("/notify/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _ask(client, action: str, delivery_id: int):
    if action == "resend":
        return client.post(f"/notify/deliveries/{delivery_id}/resend", data={"csrf_token": _csrf(client)})
    path = {
        "list deliveries": "/notify/",
        "list given up": "/notify/dead",
        "see delivery": f"/notify/deliveries/{delivery_id}",
        "see invitation": f"/notify/deliveries/{delivery_id}/invite.ics",
    }[action]
    return client.get(path)


@pytest.mark.parametrize("action, role", CELLS, ids=[f"{a}-{r}" for a, r in CELLS])
def test_matrix(notify_app, failed_delivery, deliveries, action, role):
    response = _ask(_client(notify_app, role), action, failed_delivery["id"])
    body = response.get_data(as_text=True)
    expected = MATRIX[action][role]
    status_after = deliveries()[0]["status"]
    if expected in (SHOWN, HIDDEN):
        assert response.status_code == 200
        assert ("lena@example.org" in body) == (expected == SHOWN), body
    elif expected == OK:
        assert response.status_code == 200 and "Krabbelgruppe Lobeda" in body
    elif expected == NOT_FOUND:
        assert response.status_code == 404 and "lena@example.org" not in body
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    elif expected == LOGIN:
        assert response.status_code == 302 and "/notify/login" in response.headers["Location"]
    elif expected == DENIED:
        assert response.status_code in (302, 400, 401, 403) and "lena@example.org" not in body, response.status
        assert response.status_code != 302 or "/notify/login" in response.headers["Location"]
    elif expected == RESENT:
        assert response.status_code == 303 and status_after == "queued"
    if expected != RESENT:
        assert status_after == "failed"  # nothing happened to the delivery


@pytest.mark.parametrize("role", ROLES)
def test_the_settings_link_opens_exactly_its_account_for_whoever_holds_it(
    notify_app, failed_delivery, settings, people, role
):
    """The link from Lena's email is Lena's key to her own settings, whoever follows it; a link
    changed by one character opens nothing."""
    from services.notify.preferences import token_for

    token = token_for(settings.secret_key, people["lena"]["id"])
    client = _client(notify_app, role)
    page = client.get(f"/notify/preferences/{token}")
    assert page.status_code == 200 and "Einstellungen für Lena." in page.get_data(as_text=True)
    # changed inside the signature: its last base64 character also holds two padding bits, so
    # changing only that one can decode to the very same signature
    signature_at = token.rindex(".") + 1
    tampered = token[:signature_at] + ("A" if token[signature_at] != "A" else "B") + token[signature_at + 1 :]
    assert client.get(f"/notify/preferences/{tampered}").status_code == 400


@pytest.mark.parametrize("role", ["recipient", "colleague", "other_partner", "coordination", "anonymous"])
def test_own_settings_page_shows_only_the_logged_in_account(notify_app, failed_delivery, role):
    response = _client(notify_app, role).get("/notify/preferences")
    if role == "anonymous":
        assert response.status_code == 302 and "/notify/login" in response.headers["Location"]
        return
    names = {"recipient": "Lena", "colleague": "Lars", "other_partner": "Otto", "coordination": "Kora"}
    assert response.status_code == 200 and f"Einstellungen für {names[role]}." in response.get_data(as_text=True)
