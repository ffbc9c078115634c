"""Hostile requests to what makes rooms calendar users: principal-property-search (and Apple's
calendarserver-principal-search) with odd match texts, match types and property names, and
free/busy requests POSTed to the schedule outbox with odd dates, methods, attendees and sizes.
Every answer < 500 in time."""

from __future__ import annotations

from hypothesis import given, strategies as st

from tests.fuzz import dav_xml, ical
from tests.fuzz.harness import fuzz_settings
from tests.support.calendar import booking_message, room_message

ROOM = "mailto:raum-7@treffpunkt-jena.de"
PROPS = st.sampled_from(
    [
        "<D:displayname/>",
        "<C:calendar-user-address-set/>",
        "<C:calendar-user-type/>",
        "<CS:email-address-set/>",
        "<D:getetag/>",
        "<X:odd xmlns:X='urn:x'/>",
        "",
    ]
)

MATCH_TYPES = st.sampled_from(["", ' match-type="starts-with"', ' match-type="equals"', ' match-type="x"'])


@st.composite
def principal_search(draw) -> str:
    if draw(st.booleans()):
        tests = "".join(
            f"<D:property-search><D:prop>{draw(PROPS)}</D:prop><D:match{draw(MATCH_TYPES)}>"
            f"{dav_xml._escape(draw(ical.TEXT))}</D:match></D:property-search>"
            for _ in range(draw(st.integers(0, 3)))
        )
        test = draw(st.sampled_from(["", ' test="anyof"', ' test="allof"', ' test="nonsense"']))
        wanted = f"<D:prop>{draw(PROPS)}</D:prop>"
        return f"<D:principal-property-search {dav_xml.NS}{test}>{tests}{wanted}</D:principal-property-search>"
    tokens = "".join(f"<CS:search-token>{dav_xml._escape(draw(ical.TEXT))}</CS:search-token>" for _ in range(3))
    limit = dav_xml._escape(draw(st.sampled_from(["5", "0", "-1", "99999999999999999999", "x", ""])))
    context = draw(st.sampled_from(["", "location", "user", "resource", "\u2028"]))
    return (
        f'<CS:calendarserver-principal-search {dav_xml.NS} context="{context}">{tokens}'
        f"<CS:limit><CS:nresults>{limit}</CS:nresults></CS:limit></CS:calendarserver-principal-search>"
    )


ATTENDEES = st.one_of(
    st.sampled_from(
        [
            ROOM,
            "mailto:RAUM-7@TREFFPUNKT-JENA.DE",
            "mailto:raum-0@treffpunkt-jena.de",
            "mailto:raum-99999999999999999999@treffpunkt-jena.de",
            "mailto:raum-@treffpunkt-jena.de",
            "urn:uuid:x",
            "",
            "mailto:lena@example.org",
        ]
    ),
    ical.TEXT,
)


@st.composite
def freebusy_request(draw) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Fuzz//DE"]
    lines += [draw(st.sampled_from(["METHOD:REQUEST"] * 4 + ["METHOD:REPLY", "", "METHOD:" + "R" * 300]))]
    lines += ["BEGIN:VFREEBUSY", f"UID:{draw(ical.TEXT)}", "DTSTAMP:20260101T000000Z"]
    lines += [draw(ical.dated("DTSTART")), draw(ical.dated("DTEND"))]
    lines += [draw(st.sampled_from(["ORGANIZER:mailto:lena@example.org"] * 3 + ["ORGANIZER:", ""]))]
    lines += [f"ATTENDEE;CUTYPE=ROOM:{a}" for a in draw(st.lists(ATTENDEES, max_size=draw(st.sampled_from([3, 60]))))]
    lines += ["END:VFREEBUSY", "END:VCALENDAR"]
    if draw(st.integers(0, 9)) == 0:
        lines.insert(4, "X-PAD:" + "x" * draw(st.sampled_from([70_000, 200_000])))
    return "\r\n".join(lines) + "\r\n"


def test_hostile_principal_searches_and_freebusy_requests(fuzzer, people, calendar_app):
    celery = calendar_app.extensions["celery"]
    celery.tasks["calendar.room_changed"].apply(kwargs=room_message()).get()
    celery.tasks["calendar.booking_changed"].apply(kwargs=booking_message()).get()
    fuzz = fuzzer(health="/calendar/healthz", user="lena", secret=people["lena"]["app_password"])

    @fuzz_settings(120)
    @given(
        request=st.one_of(
            st.tuples(
                st.just("REPORT"),
                st.sampled_from(["/dav/", "/dav/principals/", "/dav/principals/rooms/7/"]),
                principal_search(),
            ),
            st.tuples(st.just("POST"), st.sampled_from(["/dav/principals/lena/outbox/"]), freebusy_request()),
        ),
        content_type=st.sampled_from(["text/calendar", "text/calendar; charset=utf-8", "application/xml", None]),
        recipient=st.sampled_from([None, ROOM, "", "x, y, " + ROOM]),
    )
    def send(request, content_type, recipient):
        method, path, body = request
        headers = {"Depth": "0"}
        if content_type is not None:
            headers["Content-Type"] = content_type if method == "POST" else "application/xml"
        if recipient is not None:
            headers["Recipient"] = recipient
        with fuzz.example():
            fuzz.send(method, path, body, headers)

    send()
    fuzz.assert_sound()
