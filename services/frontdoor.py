"""The front door: one WSGI entry that routes by path prefix to the service apps, as the
reverse proxy does in production (no path rewriting: each app owns its full paths)."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect

from shared import logs
from shared.config import Settings
from shared.signed_links import redact_log

from services import accounts, calendar, engagement, notify, rooms
from services.accounts.settings import AccountSettings
from services.notify.settings import NotifySettings

# Longest prefix first; the same table is in deploy/Caddyfile.
ROUTES: tuple[tuple[str, str], ...] = (
    ("/.well-known/caldav", "calendar"),
    ("/.well-known/webfinger", "calendar"),
    ("/.well-known/nodeinfo", "calendar"),
    ("/ap", "calendar"),
    ("/api/rooms", "rooms"),
    ("/calendar", "calendar"),
    ("/feeds", "calendar"),
    ("/dav", "calendar"),
    ("/rooms", "rooms"),
    ("/notify", "notify"),
    ("/account", "accounts"),
    ("/engagement", "engagement"),
)


# CalDAV clients probe the site root with these; browsers never send them.
DAV_DISCOVERY_METHODS = ("PROPFIND", "OPTIONS")


def service_for(path: str) -> str | None:
    for prefix, service in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None


# where "/" leads: the public calendar (deploy/Caddyfile redirects there too; tests/test_deploy.py)
START_PAGE = "/calendar/"


class FrontDoor:
    def __init__(self, apps: dict):
        self.apps = apps

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        service = service_for(path)
        if path == "/" and environ.get("REQUEST_METHOD") in DAV_DISCOVERY_METHODS:
            service = "calendar"  # calendar programs given only the server address start here
        if service is None:
            if path == "/":
                return redirect(START_PAGE)(environ, start_response)
            return self.not_found(environ, start_response)
        return self.apps[service](environ, start_response)

    def not_found(self, environ, start_response):
        """The rooms service's error page, in the visitor's language. Not by passing the request
        on: each app also serves its own files under /static/, which are no address of the site."""
        app = self.apps["rooms"]
        with app.request_context(environ):
            response = app.finalize_request(app.handle_user_exception(NotFound()))
        return response(environ, start_response)


def create_apps(
    settings: Settings | None = None,
    notify_settings: NotifySettings | None = None,
    account_settings: AccountSettings | None = None,
) -> dict[str, Flask]:
    """The five apps; settings from the environment where not given."""
    settings = settings or Settings.from_env()
    return {
        "calendar": calendar.create_app({"SETTINGS": settings}),
        "rooms": rooms.create_app({"SETTINGS": settings}),
        "notify": notify.create_app({"SETTINGS": settings, "NOTIFY_SETTINGS": notify_settings}),
        "accounts": accounts.create_app({"SETTINGS": settings, "ACCOUNT_SETTINGS": account_settings}),
        "engagement": engagement.create_app({"SETTINGS": settings}),
    }


def create_frontdoor(settings: Settings | None = None) -> FrontDoor:
    settings = settings or Settings.from_env()
    logs.configure(settings.log_format, "frontdoor")  # before the apps: one process serves all four
    redact_log(logging.getLogger("werkzeug"))  # its request lines in the terminal of `make run`
    logs.without_queries(logging.getLogger("werkzeug"))
    return FrontDoor(create_apps(settings))
