"""Fixtures of the fediverse tests: the apps served on a real port whose address is their
PUBLIC_URL (peers dereference our ids), with requests to loopback allowed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from shared.db import transaction

from services.frontdoor import FrontDoor, create_apps

from tests import conftest as suite
from tests.support.live import LiveServer


class _Late:
    """A WSGI app set after the server (and so its port) exists."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class Site:
    url: str
    apps: dict
    settings: object

    @property
    def calendar(self):
        return self.apps["calendar"]

    def run(self, task: str, **kwargs):
        """A calendar task run here through Celery's own machinery."""
        return self.calendar.extensions["celery"].tasks[task].apply(kwargs=kwargs).get()

    def session(self):
        return transaction(self.calendar.extensions["db"])


@pytest.fixture(scope="module")
def site(settings, notify_settings):
    late = _Late()
    with LiveServer(late) as server:
        ours = dataclasses.replace(settings, public_url=server.url, fediverse_allow_private=True)
        apps = create_apps(ours, notify_settings)
        suite._APPS.append(apps)
        late.app = FrontDoor(apps)
        yield Site(server.url, apps, ours)
        suite._APPS.remove(apps)
