"""Hypothesis strategies for hostile WebDAV/CalDAV request bodies: PROPFIND and PROPPATCH,
calendar-query with time-ranges over centuries, expand, text-match with odd collations,
free-busy-query, calendar-multiget with odd hrefs, sync-collection with junk tokens and limits,
and XML attacks (entity expansion, external entities pointing at a local file, XInclude, deep
nesting, wrong encodings)."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.fuzz.ical import TEXT

NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"'
PROLOG = '<?xml version="1.0" encoding="utf-8"?>\n'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# UTC moments for time-range, in order: a day, a month, years, centuries, all of time
VALID_MOMENTS = [
    "00010101T000000Z",
    "19700101T000000Z",
    "20260301T000000Z",
    "20260302T000000Z",
    "20260401T000000Z",
    "20270101T000000Z",
    "21000101T000000Z",
    "99991231T235959Z",
]
ODD_MOMENTS = st.sampled_from(
    [
        "00000101T000000Z",
        "99999999T999999Z",
        "20260101T000000",
        "20260101",
        "yesterday",
        "",
        "2026-01-01T00:00:00Z",
        "-20260101T000000Z",
        "20260230T000000Z",
    ]
)


@st.composite
def time_range(draw, tag: str = "C:time-range") -> str:
    if draw(st.integers(0, 3)) > 0:  # a valid range, from a day to all of time
        start, end = sorted(draw(st.lists(st.sampled_from(VALID_MOMENTS), min_size=2, max_size=2, unique=True)))
        open_end = draw(st.sampled_from(["", "", "start", "end"]))
        attrs = [f'start="{start}"' if open_end != "start" else "", f'end="{end}"' if open_end != "end" else ""]
    else:
        attrs = [
            f'start="{draw(ODD_MOMENTS)}"' if draw(st.booleans()) else "",
            f'end="{draw(ODD_MOMENTS | st.sampled_from(VALID_MOMENTS))}"' if draw(st.booleans()) else "",
        ]
    return f"<{tag} {' '.join(a for a in attrs if a)}/>"


COLLATIONS = st.sampled_from(["i;ascii-casemap", "i;octet", "i;unicode-casemap", "i;junk", "", "default"])
PROP_NAMES = st.sampled_from(
    [
        "SUMMARY",
        "UID",
        "DESCRIPTION",
        "CATEGORIES",
        "CLASS",
        "DTSTART",
        "RRULE",
        "ATTENDEE",
        "X-TREFFPUNKT-AUDIENCE",
        "",
        "summary",
        "Ü",
    ]
)


@st.composite
def prop_filter(draw) -> str:
    inner = draw(st.sampled_from(["match", "missing", "range", "param", "empty"]))
    name = draw(PROP_NAMES)
    if inner == "match":
        negate = draw(st.sampled_from(["", ' negate-condition="yes"', ' negate-condition="maybe"']))
        match_type = draw(
            st.sampled_from(["", ' match-type="equals"', ' match-type="starts-with"', ' match-type="regex"'])
        )
        body = f'<C:text-match collation="{draw(COLLATIONS)}"{negate}{match_type}>{_escape(draw(TEXT))}</C:text-match>'
    elif inner == "missing":
        body = "<C:is-not-defined/>"
    elif inner == "range":
        body = draw(time_range())
    elif inner == "param":
        body = (
            f'<C:param-filter name="{draw(st.sampled_from(["TZID", "VALUE", "CN", ""]))}">'
            f"<C:text-match>{_escape(draw(TEXT))}</C:text-match></C:param-filter>"
        )
    else:
        body = ""
    return f'<C:prop-filter name="{name}">{body}</C:prop-filter>'


@st.composite
def comp_filter(draw, depth: int = 0) -> str:
    name = draw(st.sampled_from(["VEVENT"] * 6 + ["VTODO", "VALARM", "VTIMEZONE", "VJOURNAL", "", "X-FOO"]))
    parts = []
    if draw(st.integers(0, 2)) > 0:
        parts.append(draw(time_range()))
    if draw(st.integers(0, 2)) == 0:
        parts += draw(st.lists(prop_filter(), max_size=2))
    if depth < 2 and draw(st.integers(0, 5)) == 0:
        parts.append(draw(comp_filter(depth + 1)))
    if draw(st.integers(0, 9)) == 0:
        parts.append("<C:is-not-defined/>")
    return f'<C:comp-filter name="{name}">{"".join(parts)}</C:comp-filter>'


@st.composite
def calendar_data(draw) -> str:
    """What to return: everything, an expansion over an odd range, or a limited set."""
    choice = draw(st.sampled_from(["plain", "expand", "expand", "limit", "comp"]))
    if choice == "plain":
        return "<C:calendar-data/>"
    if choice == "expand":
        return f"<C:calendar-data>{draw(time_range('C:expand'))}</C:calendar-data>"
    if choice == "limit":
        tag = draw(st.sampled_from(["C:limit-recurrence-set", "C:limit-freebusy-set"]))
        return f"<C:calendar-data>{draw(time_range(tag))}</C:calendar-data>"
    return (
        '<C:calendar-data><C:comp name="VCALENDAR"><C:allprop/><C:comp name="VEVENT">'
        f'<C:prop name="{draw(PROP_NAMES)}"/></C:comp></C:comp></C:calendar-data>'
    )


@st.composite
def calendar_query(draw) -> str:
    outer = draw(st.sampled_from(["VCALENDAR", "VCALENDAR", "VCALENDAR", "VEVENT", ""]))
    filters = "".join(draw(st.lists(comp_filter(), min_size=0, max_size=2 if outer == "VCALENDAR" else 1)))
    timezone = draw(
        st.sampled_from(
            ["", "<C:timezone>BEGIN:VCALENDAR\r\nEND:VCALENDAR</C:timezone>", "<C:timezone>garbage</C:timezone>"]
        )
    )
    return (
        f"<C:calendar-query {NS}><D:prop><D:getetag/>{draw(calendar_data())}</D:prop>"
        f'<C:filter><C:comp-filter name="{outer}">{filters}</C:comp-filter></C:filter>{timezone}'
        "</C:calendar-query>"
    )


@st.composite
def free_busy_query(draw) -> str:
    return f"<C:free-busy-query {NS}>{draw(time_range())}</C:free-busy-query>"


HREFS = st.one_of(
    st.sampled_from(
        [
            "{calendar}fuzz.ics",
            "{calendar}",
            "{calendar}../../otto/",
            "/dav/calendars/otto/x/y.ics",
            "http://evil.example/dav/x.ics",
            "{calendar}%00.ics",
            "{calendar}%2e%2e/%2e%2e/",
            "",
            "/dav/rooms/99999999999999999999/a.ics",
            "{calendar}" + "a" * 3000 + ".ics",
            "not a url",
            "{calendar}%ff%fe.ics",
        ]
    ),
    TEXT.map(lambda t: "{calendar}" + _escape(t)),
)


@st.composite
def multiget(draw) -> str:
    hrefs = draw(st.lists(HREFS, max_size=5))
    many = draw(st.sampled_from([0, 0, 0, 1001, 20_000]))  # beyond the multiget limit, or the XML size limit
    body = "".join(f"<D:href>{h}</D:href>" for h in hrefs) + "<D:href>{calendar}series.ics</D:href>" * many
    return f"<C:calendar-multiget {NS}><D:prop><D:getetag/>{draw(calendar_data())}</D:prop>{body}</C:calendar-multiget>"


TOKENS = st.one_of(
    st.sampled_from(
        [
            "",
            "http://treffpunkt-jena.de/ns/sync/1-0-0",
            "http://treffpunkt-jena.de/ns/sync/99999999999999999999-x-1",
            "http://treffpunkt-jena.de/ns/sync/1-zz-99999999999999999999",
            "http://treffpunkt-jena.de/ns/sync/-1--1--1",
            "http://treffpunkt-jena.de/ns/sync/1-0-" + "9" * 5000,
            "data:,x",
            "urn:uuid:0",
            "\x7f",
        ]
    ),
    TEXT.map(_escape),
)


@st.composite
def sync_collection(draw) -> str:
    limit = draw(
        st.sampled_from(
            [
                "",
                "<D:limit><D:nresults>1</D:nresults></D:limit>",
                "<D:limit><D:nresults>0</D:nresults></D:limit>",
                "<D:limit><D:nresults>-1</D:nresults></D:limit>",
                "<D:limit><D:nresults>99999999999999999999</D:nresults></D:limit>",
                "<D:limit><D:nresults>x</D:nresults></D:limit>",
            ]
        )
    )
    level = draw(st.sampled_from(["1", "1", "infinite", "2", "", "99999999999999999999"]))
    return (
        f"<D:sync-collection {NS}><D:sync-token>{draw(TOKENS)}</D:sync-token>"
        f"<D:sync-level>{level}</D:sync-level>{limit}<D:prop><D:getetag/></D:prop></D:sync-collection>"
    )


@st.composite
def propfind(draw) -> str:
    kind = draw(st.sampled_from(["prop", "prop", "allprop", "propname", "empty", "both"]))
    whole = {
        "allprop": f"<D:propfind {NS}><D:allprop/></D:propfind>",
        "propname": f"<D:propfind {NS}><D:propname/></D:propfind>",
        "empty": f"<D:propfind {NS}/>",
    }
    if kind in whole:
        return whole[kind]
    names = draw(
        st.lists(
            st.sampled_from(
                [
                    "<D:getetag/>",
                    "<D:resourcetype/>",
                    "<D:current-user-privilege-set/>",
                    "<C:calendar-data/>",
                    "<CS:getctag/>",
                    "<D:sync-token/>",
                    "<C:calendar-home-set/>",
                    "<D:owner/>",
                    "<D:supported-report-set/>",
                    "<C:supported-calendar-component-set/>",
                    "<D:quota-available-bytes/>",
                    '<X:y xmlns:X="urn:x"/>',
                    "<D:displayname/>",
                    "<C:calendar-timezone/>",
                    "<C:max-instances/>",
                    "<C:min-date-time/>",
                ]
            ),
            max_size=8,
        )
    )
    both = "<D:allprop/>" if kind == "both" else ""
    return f"<D:propfind {NS}>{both}<D:prop>{''.join(names)}</D:prop></D:propfind>"


@st.composite
def proppatch(draw) -> str:
    value = _escape(draw(TEXT))
    prop = draw(
        st.sampled_from(
            [
                f"<D:displayname>{value}</D:displayname>",
                f"<C:calendar-description>{value}</C:calendar-description>",
                f'<I:calendar-color xmlns:I="http://apple.com/ns/ical/">{value}</I:calendar-color>',
                f"<C:calendar-timezone>{value}</C:calendar-timezone>",
                "<D:resourcetype><D:collection/></D:resourcetype>",
                f"<D:displayname>{'x' * 100_000}</D:displayname>",
                "<D:getetag>x</D:getetag>",
                f'<C:supported-calendar-component-set><C:comp name="{value}"/></C:supported-calendar-component-set>',
            ]
        )
    )
    verb = draw(st.sampled_from(["set", "set", "remove"]))
    return f"<D:propertyupdate {NS}><D:{verb}><D:prop>{prop}</D:prop></D:{verb}></D:propertyupdate>"


def billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        f'<?xml version="1.0"?><!DOCTYPE D:propfind [{"".join(entities)}]>'
        f'<D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&lol9;</D:displayname></D:prop></D:propfind>'
    )


def attacks(secret_file: str) -> st.SearchStrategy[str]:
    """XML that tries to expand, read `secret_file`, include it, or exhaust the parser."""
    external = (
        f'<?xml version="1.0"?><!DOCTYPE D:propfind [<!ENTITY x SYSTEM "file://{secret_file}">]>'
        '<D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&x;</D:displayname></D:prop></D:propfind>'
    )
    parameter = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "file://{secret_file}"> %p;]>'
        '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
    )
    xinclude = (
        '<D:propfind xmlns:D="DAV:" xmlns:xi="http://www.w3.org/2001/XInclude"><D:prop>'
        f'<xi:include href="file://{secret_file}" parse="text"/></D:prop></D:propfind>'
    )
    xinclude_query = (
        f'<C:calendar-query {NS} xmlns:xi="http://www.w3.org/2001/XInclude"><D:prop/>'
        f'<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter '
        f'name="SUMMARY"><C:text-match><xi:include href="file://{secret_file}" parse="text"/>'
        "</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    )
    network = (
        '<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">'
        '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
    )
    deep = "<D:prop>" * 50_000 + "</D:prop>" * 50_000
    nested_filter = ('<C:comp-filter name="VEVENT">' * 2000) + ("</C:comp-filter>" * 2000)
    return st.sampled_from(
        [
            billion_laughs(),
            external,
            parameter,
            xinclude,
            xinclude_query,
            network,
            f'<D:propfind xmlns:D="DAV:">{deep}</D:propfind>',
            f'<C:calendar-query {NS}><C:filter><C:comp-filter name="VCALENDAR">{nested_filter}</C:comp-filter>'
            "</C:filter></C:calendar-query>",
            '<?xml version="1.0" encoding="UTF-16"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>',
            '<?xml version="1.0" encoding="x-junk"?><D:propfind xmlns:D="DAV:"/>',
            '\ufeff<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>',
            '<D:propfind xmlns:D="DAV:" ' + " ".join(f'a{i}="x"' for i in range(20_000)) + "/>",
            '<D:propfind xmlns:D="DAV:"><D:prop>' + "<D:x/>" * 100_000 + "</D:prop></D:propfind>",
            '<D:propfind xmlns:D="DAV:"><D:prop><D:displayname>'
            + "x" * 600_000
            + "</D:displayname></D:prop></D:propfind>",
            "<D:propfind",
            "<<<>>>",
            "\x00\x00",
            '<D:propfind xmlns:D="DAV:"><![CDATA[' + "]" * 1000 + "</D:propfind>",
            '<?xml-stylesheet href="file:///etc/passwd"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>',
        ]
    )


def report_body() -> st.SearchStrategy[str]:
    return st.one_of(
        calendar_query(),
        free_busy_query(),
        multiget(),
        sync_collection(),
        st.just(f"<D:expand-property {NS}/>"),
        st.just(f"<C:unknown-report {NS}/>"),
    )
