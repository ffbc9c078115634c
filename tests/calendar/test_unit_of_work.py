"""A DAV request is one unit of work (shared.db.transaction): what it wrote commits when the
handler returns, and nothing of it when a refusal or a crash leaves it half-way (here: after
the revision bump and the row are written)."""

import base64

import pytest

from services.calendar.dav.views import STORE
from services.calendar.store.sql import SqlStore

from tests.support.calendar import weekly_event

CAL = "/dav/calendars/lena/lobeda/"


def dav(app, people, method, path, body=None, **headers):
    token = base64.b64encode(f"lena:{people['lena']['app_password']}".encode()).decode()
    return app.test_client().open(
        path, method=method, data=body, headers={"Authorization": f"Basic {token}", **headers}
    )


@pytest.fixture(autouse=True)
def lobeda(people, store):
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")


def revision(store) -> int:
    with store() as s:
        return s.calendar("lobeda").revision


def test_a_refused_put_leaves_not_even_its_revision_bump(calendar_app, people, store):
    assert dav(calendar_app, people, "PUT", CAL + "a.ics", weekly_event("same")).status_code == 201
    before = revision(store)
    refused = dav(calendar_app, people, "PUT", CAL + "b.ics", weekly_event("same"))
    assert refused.status_code == 409 and b"no-uid-conflict" in refused.data
    assert revision(store) == before
    assert dav(calendar_app, people, "GET", CAL + "b.ics").status_code == 404


class CrashAfterPut(SqlStore):
    def put(self, *args, **kwargs):
        super().put(*args, **kwargs)
        self.session.flush()
        raise RuntimeError("crash after the write")


def test_a_crash_after_the_write_rolls_it_back(calendar_app, people, store, monkeypatch):
    before = revision(store)
    monkeypatch.setitem(calendar_app.extensions, STORE, CrashAfterPut)
    try:
        crashed = dav(calendar_app, people, "PUT", CAL + "c.ics", weekly_event("c"))
    except RuntimeError:  # propagated by the test app
        pass
    else:
        assert crashed.status_code == 500
    monkeypatch.undo()
    assert revision(store) == before
    assert dav(calendar_app, people, "GET", CAL + "c.ics").status_code == 404


def test_a_write_that_returns_commits(calendar_app, people, store):
    before = revision(store)
    assert dav(calendar_app, people, "PUT", CAL + "d.ics", weekly_event("d")).status_code == 201
    assert revision(store) == before + 1
    with store() as s:
        assert s.get(s.calendar("lobeda").id, "d.ics").uid == "d"
