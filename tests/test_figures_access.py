"""Who sees the network's figures, as a matrix: the rooms' and the calendar's pages and CSV ×
the coordination office, a partner's staff, nobody logged in, and a program with an app password
(which opens no page). One rule per service: rooms' permissions.can_see_figures, the calendar's
access.can_see_figures; the office's navigation links the figures, nobody else's does."""

from __future__ import annotations

import pytest

from services.calendar.domain import access
from services.rooms.domain import permissions

from tests.support.login import login
from tests.support.rooms import basic

PATHS = ("/rooms/figures", "/rooms/figures.csv", "/calendar/figures", "/calendar/figures.csv")
ROLES = ("coordination", "staff", "anonymous", "app_password")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PATHS)
def test_only_the_coordination_office_sees_the_figures(apps, people, role, path):
    service = path.split("/")[1]
    client, headers = apps[service].test_client(), {}
    if role in ("coordination", "staff"):
        login(client, "kora" if role == "coordination" else "lena", service=service)
    elif role == "app_password":
        headers = basic("kora", people["kora"]["app_password"])
    response = client.get(path, headers=headers)
    if role == "coordination":
        assert response.status_code == 200
    elif role == "staff":  # a friendly page in German that says whom to ask
        page = response.get_data(as_text=True)
        assert response.status_code == 403 and "Kein Zugriff" in page and "Koordinierungsstelle" in page
    else:  # to the login form, like every page
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("username, linked", [("kora", True), ("lena", False)])
def test_the_office_s_navigation_links_the_figures(rooms_app, people, username, linked):
    client = rooms_app.test_client()
    login(client, username)
    page = client.get("/rooms/").get_data(as_text=True)
    assert ('<a href="/rooms/figures"' in page) is linked
    if linked:
        figures = client.get("/rooms/figures").get_data(as_text=True)
        assert '<a href="/rooms/figures" aria-current="page">Zahlen</a>' in figures
        assert '<a href="/rooms/" aria-current' not in figures


class Who:
    def __init__(self, partner_id, coordination):
        self.partner_id, self.is_coordination = partner_id, coordination


@pytest.mark.parametrize(
    "partner_id, coordination, allowed", [(3, True, True), (1, False, False), (None, False, False)]
)
def test_one_rule_in_each_service(partner_id, coordination, allowed):
    assert permissions.can_see_figures(Who(partner_id, coordination)) is allowed
    assert access.can_see_figures(access.Reader(partner_id, coordination)) is allowed
    assert permissions.can_see_figures(None) is access.can_see_figures(None) is False
