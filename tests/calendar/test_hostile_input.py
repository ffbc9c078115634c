"""Malformed names, numbers and texts get a 4xx (never a 500, never a half-written change), and
the calendar worker survives what a sender should not have sent."""

import http.client
import logging
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from services.calendar.store.models import CalendarObject, ProcessedMessage

from tests.support.calendar import booking_message, room_message, weekly_event

CAL = "/dav/calendars/lena/lobeda/"


@pytest.fixture(autouse=True)
def lobeda(people, store):
    with store() as s:
        s.ensure_partner_calendar(people["lena"]["partner_id"], "lobeda", "Angebote MGH")


def raw(live, people, method: str, path: str, body: bytes = b"") -> http.client.HTTPResponse:
    """Sent exactly as written (no client normalising "..", no re-encoding)."""
    import base64

    host = urlsplit(live.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    token = base64.b64encode(f"lena:{people['lena']['app_password']}".encode()).decode()
    conn.request(method, path, body=body, headers={"Authorization": f"Basic {token}", "Content-Type": "text/calendar"})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def stored(calendar_app) -> int:
    with calendar_app.extensions["db"]() as s:
        return s.scalar(select(func.count()).select_from(CalendarObject))


@pytest.mark.parametrize(
    "name",
    [
        "%2E",
        "%2E%2E",
        "a%00b.ics",
        "a%01b.ics",
        "a%7Fb.ics",
        "a%252Fb.ics",
        "x" * 300 + ".ics",
        "%C3%A4" * 130 + ".ics",
    ],
)
def test_bad_object_names_are_refused(live, people, calendar_app, name):
    for method in ("PUT", "GET", "DELETE"):
        response = raw(live, people, method, CAL + name, weekly_event("name") if method == "PUT" else b"")
        assert response.status == 400, (method, response.status, response.body[:200])
        assert b"<D:error" in response.body or b"error" in response.body
    assert stored(calendar_app) == 0


def test_good_names_still_work(live, people):
    for name in (
        "termin.ics",
        "%C3%A4rger-%20mit%20Leerzeichen.ics",
        "040000008200E00074C5B7101A82E008" + "0" * 80 + ".ics",
    ):
        assert raw(live, people, "PUT", CAL + name, weekly_event(name[:20])).status == 201, name


def test_a_multiget_href_no_object_could_have_is_not_found(live, people):
    """A NUL in a multiget href reached PostgreSQL and gave a 500 (found by `make fuzz`)."""
    assert raw(live, people, "PUT", CAL + "da.ics", weekly_event("da")).status == 201
    body = (
        f'<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/>'
        f"</D:prop><D:href>{CAL}%00.ics</D:href><D:href>{CAL}..</D:href><D:href>{CAL}da.ics</D:href>"
        f"</C:calendar-multiget>"
    ).encode()
    response = raw(live, people, "REPORT", CAL, body)
    assert response.status == 207, response.body[:300]
    assert response.body.count(b"404 Not Found") == 2 and b"da.ics" in response.body


@pytest.mark.parametrize(
    "path", ["/dav/calendars/lena/lob%00eda/x.ics", "/dav/calendars/lena/" + "k" * 300 + "/", "/dav/calendars/le%01na/"]
)
def test_bad_segments_elsewhere_are_refused(live, people, path):
    assert raw(live, people, "PROPFIND", path).status == 400


@pytest.mark.parametrize(
    "path", ["/dav/rooms/99999999999999999999/", "/dav/rooms/2147483648/", "/dav/rooms/%D9%A1%D9%A2/"]
)
def test_room_numbers_out_of_range_are_not_found(live, people, path):
    assert raw(live, people, "PROPFIND", path).status == 404


def test_control_characters_in_text_are_refused(live, people, calendar_app):
    for char in ("\x00", "\x07", "\x7f"):
        data = weekly_event("steuer", summary=f"Chor{char}probe")
        response = raw(live, people, "PUT", CAL + "steuer.ics", data)
        assert response.status == 403 and b"valid-calendar-data" in response.body, repr(char)
    assert stored(calendar_app) == 0


@pytest.mark.parametrize(
    "query, status",
    [
        ("/feeds/rooms/99999999999999999999.ics", 404),
        ("/feeds/rooms/2147483648.ics", 404),
        ("/feeds/network.ics?start=00010101", 400),
        ("/feeds/network.ics?from=99991231", 400),
        ("/feeds/network.ics?page=99999999999999999999", 400),
        ("/feeds/network.ics?partner=%00", 400),
        ("/feeds/network.ics?category=" + "x" * 5000, 400),
        ("/feeds/network.ics?district=Lobeda%00", 400),
    ],
)
def test_feed_parameters_get_400_or_404_never_500(calendar_app, query, status):
    response = calendar_app.test_client().get(query)
    assert response.status_code == status and len(response.data) < 500, response.data[:200]


# --- the calendar worker ------------------------------------------------------------------------
def test_worker_cleans_control_characters_in_booking_and_room_texts(run_task, store):
    run_task("calendar.room_changed", room_message(name="Saal\x00 im\x1bErdgeschoss", address="Allee\x07 1"))
    assert (
        run_task("calendar.booking_changed", booking_message(title="Chor\x00probe\r\nder\x07Generationen")) == "stored"
    )
    with store() as s:
        calendar = s.room_calendar(7)
        data = s.objects(calendar.id, with_data=True)[0].data
    assert calendar.displayname == "Saal im Erdgeschoss" and calendar.description.startswith("Allee 1")
    assert b"SUMMARY:Chor probe der Generationen" in data and b"LOCATION:Saal im Erdgeschoss" in data


def test_a_message_that_can_never_be_applied_is_refused_for_good(run_task, calendar_app, caplog):
    late = datetime(2200, 1, 5, 9, tzinfo=timezone.utc)  # after max-date-time: the calendar refuses it
    message = booking_message(occurrences=[{"starts_at": late, "ends_at": late + timedelta(hours=1)}])
    with caplog.at_level(logging.ERROR, logger="services.calendar.tasks"):
        assert run_task("calendar.booking_changed", message) == "refused"
    assert "refused calendar.booking_changed" in caplog.text
    assert run_task("calendar.booking_changed", message) == "duplicate"  # a copy changes nothing
    with calendar_app.extensions["db"]() as s:
        assert s.scalar(select(func.count()).select_from(ProcessedMessage)) == 1
        assert s.scalar(select(func.count()).select_from(CalendarObject)) == 0
    # the calendar goes on with the next message
    assert run_task("calendar.booking_changed", booking_message(booking_id=2, uid="b2@x", sequence=0)) == "stored"
