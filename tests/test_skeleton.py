"""The skeleton itself: apps build, health checks see the real database and broker, login works."""

from tests.support.login import login


def test_healthz_checks_database_and_broker(frontdoor):
    from werkzeug.test import Client

    client = Client(frontdoor)
    for service in ("calendar", "rooms", "notify", "account", "engagement"):
        response = client.get(f"/{service}/healthz")
        assert response.status_code == 200, response.get_data(as_text=True)
        checks = {"database": "ok", "broker": "ok", "outbox": "ok"} | (
            {"deliveries": "ok"} if service == "notify" else {}
        )
        assert response.json == {"status": "ok", "service": service, **checks}


def test_healthz_reports_a_dead_broker(settings):
    from dataclasses import replace

    from services import rooms

    app = rooms.create_app({"SETTINGS": replace(settings, broker_url="redis://127.0.0.1:1/0")})
    response = app.test_client().get("/rooms/healthz")
    assert response.status_code == 503
    assert response.json["broker"].startswith("error")
    assert response.json["database"] == "ok"


def test_login_with_password_and_csrf(rooms_app, people):
    client = rooms_app.test_client()
    login(client, "lena")
    assert "Lena" in client.get("/rooms/").get_data(as_text=True)


def test_login_refuses_wrong_password_and_missing_csrf(rooms_app, people):
    client = rooms_app.test_client()
    wrong = client.post("/rooms/login", data={"username": "lena", "password": "x"})
    assert wrong.status_code == 400  # no CSRF token: the form is refused before any check
    page = client.get("/rooms/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    wrong = client.post("/rooms/login", data={"csrf_token": token, "username": "lena", "password": "falsch"})
    assert wrong.status_code == 401
    assert "Benutzername oder Passwort ist falsch" in wrong.get_data(as_text=True)


def test_frontdoor_routes_by_prefix():
    from services.frontdoor import service_for

    assert service_for("/.well-known/caldav") == "calendar"
    assert service_for("/dav/calendars/x/") == "calendar"
    assert service_for("/api/rooms/bookings") == "rooms"
    assert service_for("/rooms/") == "rooms"
    assert service_for("/notify/") == "notify"
    assert service_for("/account/reset/abc") == "accounts"
    assert service_for("/engagement/") == "engagement"
    assert service_for("/engagement/confirm/abc") == "engagement"
    assert service_for("/accounts") is None
    assert service_for("/roomsx") is None


def test_each_service_registers_only_its_own_tasks(apps):
    for service, app in apps.items():
        names = {n for n in app.extensions["celery"].tasks if not n.startswith("celery.")}
        assert names and all(n.startswith(service + ".") for n in names), (service, names)


def test_production_refuses_the_built_in_secret(settings):
    from dataclasses import replace

    import pytest

    from shared.config import DEV_SECRET

    from services import notify

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        notify.create_app({"SETTINGS": replace(settings, secret_key=DEV_SECRET, demo=False)})


def test_wrong_basic_credentials_do_not_fall_back_to_the_session(rooms_app, people):
    import base64

    client = rooms_app.test_client()
    login(client, "lena")
    bad = base64.b64encode(b"lena:wrong").decode()
    response = client.get("/rooms/", headers={"Authorization": f"Basic {bad}"})
    assert response.status_code == 302 and "/rooms/login" in response.headers["Location"]


def test_calendar_programs_find_their_calendars_from_the_server_address(frontdoor, people):
    """Given only http://host:port/ (or its well-known URL), a CalDAV client reaches the principal."""
    import caldav

    from tests.support.live import LiveServer

    with LiveServer(frontdoor) as live:
        for start in (f"{live.url}/", f"{live.url}/.well-known/caldav"):
            client = caldav.DAVClient(url=start, username="lena", password=people["lena"]["app_password"])
            principal = client.principal()
            assert str(principal.url) == f"{live.url}/dav/principals/lena/"
            assert principal.calendars(), start
        # browsers still get the room exchange at the site root
        import requests

        assert requests.get(f"{live.url}/", allow_redirects=False).headers["Location"].endswith("/calendar/")
