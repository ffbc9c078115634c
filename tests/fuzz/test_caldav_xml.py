"""Hostile WebDAV/CalDAV request bodies and headers on Lena's calendar, with a stored weekly
series so that queries have something to expand: PROPFIND and PROPPATCH, REPORTs
(calendar-query over centuries, expand, text-match, free-busy, multiget, sync-collection with
junk tokens) and XML attacks. Beyond status < 500 in time: no answer ever contains the content
of a local file that an external entity or XInclude pointed at."""

from __future__ import annotations

import pytest
from hypothesis import example, given, strategies as st

from tests.fuzz import dav_xml
from tests.fuzz.harness import fuzz_settings

SERIES = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Treffpunkt//Fuzz//DE\r\nBEGIN:VEVENT\r\n"
    "UID:series@treffpunkt.test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260105T100000\r\n"
    "DURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\nSUMMARY:Seniorengymnastik\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
SECRET = "treffpunkt-fuzz-secret-4711"
DEPTHS = st.sampled_from(["0", "1", "1", "infinity", "", "2", "-1", "99999999999999999999", "1, 0", None])
# found by `make fuzz`, kept as explicit examples
NUL_HREF = (
    f"<C:calendar-multiget {dav_xml.NS}><D:prop><D:getetag/></D:prop>"
    "<D:href>{calendar}%00.ics</D:href></C:calendar-multiget>"
)
EXPAND_TO_9999 = (
    f'<C:calendar-query {dav_xml.NS}><D:prop><C:calendar-data><C:expand start="20270101T000000Z" '
    'end="99991231T235959Z"/></C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"/>'
    "</C:filter></C:calendar-query>"
)
OPEN_START = (
    f'<C:calendar-query {dav_xml.NS}><D:prop><C:calendar-data><C:limit-freebusy-set end="20260302T000000Z"/>'
    '</C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
    '<C:time-range end="21000101T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>'
)
CONTENT_TYPES = st.sampled_from(
    ["application/xml; charset=utf-8", "text/xml", "application/xml; charset=latin-1", "text/plain", None]
)


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return str(path)


@pytest.fixture
def calendar_with_series(fuzzer, people, lena_calendar):
    fuzz = fuzzer(health="/calendar/healthz", user="lena", secret=people["lena"]["app_password"])
    answer = fuzz.send("PUT", lena_calendar + "series.ics", SERIES, {"Content-Type": "text/calendar"})
    assert answer is not None and answer.status == 201, answer
    return fuzz, lena_calendar


def test_hostile_dav_bodies(calendar_with_series, secret_file):
    fuzz, calendar = calendar_with_series
    bodies = st.one_of(
        st.tuples(st.just("PROPFIND"), dav_xml.propfind()),
        st.tuples(st.just("REPORT"), dav_xml.report_body()),
        st.tuples(st.just("PROPPATCH"), dav_xml.proppatch()),
        st.tuples(st.sampled_from(["PROPFIND", "REPORT", "PROPPATCH", "MKCALENDAR"]), dav_xml.attacks(secret_file)),
    )

    @fuzz_settings(150)
    @given(
        request=bodies,
        target=st.sampled_from(
            ["{calendar}", "{calendar}", "{calendar}series.ics", "/dav/calendars/lena/", "/dav/", "/dav/rooms/"]
        ),
        depth=DEPTHS,
        content_type=CONTENT_TYPES,
    )
    @example(request=("REPORT", NUL_HREF), target="{calendar}", depth="1", content_type="application/xml")
    @example(request=("REPORT", EXPAND_TO_9999), target="{calendar}", depth="1", content_type="application/xml")
    @example(request=("REPORT", OPEN_START), target="{calendar}", depth="1", content_type="application/xml")
    def send(request, target, depth, content_type):
        method, body = request
        headers = {k: v for k, v in (("Depth", depth), ("Content-Type", content_type)) if v is not None}
        path = target.replace("{calendar}", calendar)
        if method == "MKCALENDAR":
            path = calendar.rstrip("/") + "-neu/"
        with fuzz.example():
            answer = fuzz.send(method, path, body.replace("{calendar}", calendar), headers)
            if answer is not None and SECRET in answer.text:
                fuzz.violated("the answer shows the content of a local file named in the body")

    send()
    fuzz.assert_sound()
