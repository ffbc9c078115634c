"""The calendar's permission rules (domain/access.py) as a matrix over real HTTP: every role ×
every action on Lena's calendar (partner MGH Lobeda), with the outcome each cell must have.

Roles: staff of the owning partner (lena), staff of another partner (otto), the coordination
office (kora), nobody, Lena's web password sent over Basic (CalDAV takes app passwords only)
and a revoked app password."""

import pytest
import requests
from icalendar import Calendar

from tests.support.calendar import booking_message, weekly_event
from tests.support.login import PASSWORD

CAL = "/dav/calendars/{user}/lobeda/"
NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"'
PROPFIND = f"<d:propfind {NS}><d:prop><d:displayname/></d:prop></d:propfind>"
QUERY = (
    f'<c:calendar-query {NS}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR">'
    '<c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>'
)
PROPPATCH = f"<d:propertyupdate {NS}><d:set><d:prop><d:displayname>Umbenannt</d:displayname></d:prop></d:set></d:propertyupdate>"
PRIVATE = weekly_event("geheim", "Personalgespräch", klass="PRIVATE")
CONFIDENTIAL = weekly_event("vertraulich", "Fördermittelantrag", klass="CONFIDENTIAL")

ROLES = ("owner", "other", "coordination", "anonymous", "web password", "revoked")
DENIED = {"anonymous": 401, "web password": 401, "revoked": 401}

# action: outcome for owner, other partner, coordination office (the three others: DENIED)
MATRIX = {
    "PROPFIND calendar": (207, 207, 207),
    "GET calendar": (200, 200, 200),
    "REPORT calendar-query": (207, 207, 207),
    "GET event": (200, 200, 200),
    "PUT new event": (201, 403, 403),
    "PUT changed event": (204, 403, 403),
    "DELETE event": (204, 403, 403),
    "PUT into a room calendar": (403, 403, 403),
    "MKCALENDAR in own home": (201, 201, 201),
    "MKCALENDAR in Lena's home": (201, 409, 409),
    "PROPPATCH calendar": (207, 403, 403),
    "DELETE calendar": (204, 403, 403),
    "read a private event": ("details", "busy", "busy"),
    "read a confidential event": ("details", "busy", "details"),
}


@pytest.fixture
def world(people, store, run_task, calendar_app):
    with store() as s:
        calendar = s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")
        s.put(calendar.id, "offen.ics", weekly_event("offen", "Seniorengymnastik"))
        s.put(calendar.id, "geheim.ics", PRIVATE)
        s.put(calendar.id, "vertraulich.ics", CONFIDENTIAL)
    run_task("calendar.booking_changed", booking_message())
    identity = calendar_app.extensions["identity"]
    revoked = identity.create_app_password("lena", "verloren")
    newest = identity.app_passwords(people["lena"]["id"])[0]
    assert identity.revoke_app_password(people["lena"]["id"], newest["id"])
    return {
        "owner": ("lena", people["lena"]["app_password"]),
        "other": ("otto", people["otto"]["app_password"]),
        "coordination": ("kora", people["kora"]["app_password"]),
        "anonymous": None,
        "web password": ("lena", PASSWORD),
        "revoked": ("lena", revoked),
    }


def attempt(live, auth, action: str):
    user = auth[0] if auth else "lena"
    cal = CAL.format(user=user)

    def call(method, path, body=None, **headers):
        return requests.request(method, live.url + path, data=body, auth=auth, timeout=30, headers=headers)

    requests_for = {
        "PROPFIND calendar": lambda: call("PROPFIND", cal, PROPFIND, Depth="0"),
        "GET calendar": lambda: call("GET", cal),
        "REPORT calendar-query": lambda: call("REPORT", cal, QUERY, Depth="1"),
        "GET event": lambda: call("GET", cal + "offen.ics"),
        "PUT new event": lambda: call("PUT", cal + "neu.ics", weekly_event("neu"), **{"Content-Type": "text/calendar"}),
        "PUT changed event": lambda: call(
            "PUT", cal + "offen.ics", weekly_event("offen", "Neu"), **{"Content-Type": "text/calendar"}
        ),
        "DELETE event": lambda: call("DELETE", cal + "offen.ics"),
        "PUT into a room calendar": lambda: call(
            "PUT", "/dav/rooms/7/neu.ics", weekly_event("raum"), **{"Content-Type": "text/calendar"}
        ),
        "MKCALENDAR in own home": lambda: call("MKCALENDAR", f"/dav/calendars/{user}/neu-{user}/"),
        "MKCALENDAR in Lena's home": lambda: call("MKCALENDAR", "/dav/calendars/lena/neu-von-lena/"),
        "PROPPATCH calendar": lambda: call("PROPPATCH", cal, PROPPATCH),
        "DELETE calendar": lambda: call("DELETE", cal),
        "read a private event": lambda: call("GET", cal + "geheim.ics"),
        "read a confidential event": lambda: call("GET", cal + "vertraulich.ics"),
    }
    return requests_for[action]()


def outcome(response, action: str):
    if not action.startswith("read a ") or response.status_code != 200:
        return response.status_code
    summary = str(Calendar.from_ical(response.content).walk("VEVENT")[0]["SUMMARY"])
    return "busy" if summary == "Beschäftigt" else "details"


CELLS = [(role, action) for action in MATRIX for role in ROLES]


@pytest.mark.parametrize("role, action", CELLS, ids=[f"{r} | {a}" for r, a in CELLS])
def test_permission_matrix(live, world, role, action):
    expected = DENIED.get(role) or MATRIX[action][ROLES.index(role)]
    response = attempt(live, world[role], action)
    assert outcome(response, action) == expected, response.text[:300]


def test_the_matrix_covers_every_role_and_action():
    assert len(CELLS) == len(ROLES) * len(MATRIX) == 84
