"""Hypothesis strategies for hostile iCalendar, written as text so that anything a client could
send can be built: every RRULE part with values in and out of range, odd dates (year 0, 1,
9999, 30 February, wrong formats), DTEND before DTSTART, DURATION garbage, EXDATE/RDATE garbage,
TZIDs known and unknown, VTIMEZONE garbage, control characters and NUL, very long lines, many
components, and sizes near the resource limit (1 MB) and the request limit (2 MB).

Most examples stay close to a valid event (dates near today, one VEVENT), so that they get past
the parser and reach what comes after it: recurrence expansion, storage, queries and feeds."""

from __future__ import annotations

from hypothesis import strategies as st

ODD_CHARS = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ud7ff",
    "\U0010ffff",
    "\\",
    ";",
    ",",
    ":",
    '"',
    "\r",
    "\n",
    "\t",
    "ü",
    "€",
    "😀",
]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(ODD_CHARS), max_size=40
)

HUGE = [
    "0",
    "-1",
    "-2147483648",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    str(10**30),
    "1e9",
    "1.5",
    "",
    " 1",
    "+1",
    "0x10",
    "١",
]
FREQS = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]


def _number(low: int, high: int) -> st.SearchStrategy[str]:
    """An RRULE number: in range, at the edges, just outside, or not a number at all."""
    edges = [low, high, low - 1, high + 1, -high, -high - 1, 0]
    return st.one_of(st.integers(low, high).map(str), st.sampled_from(edges).map(str), st.sampled_from(HUGE))


def _list_of(item: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(item, min_size=1, max_size=4).map(",".join)


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
BYDAY = st.one_of(
    st.sampled_from(WEEKDAYS),
    st.builds(
        lambda n, d: f"{n}{d}",
        st.sampled_from(["+1", "-1", "2", "5", "-5", "53", "-53", "54", "0", "99", "+", "-"]),
        st.sampled_from(WEEKDAYS),
    ),
    st.sampled_from(["XX", "MONDAY", "1", ""]),
)

# every RRULE part of RFC 5545 §3.3.10, with hostile values
RRULE_PARTS = {
    "FREQ": st.one_of(st.sampled_from(FREQS), st.sampled_from(["FOO", "", "daily", "DAILY;", "MILLISECONDLY", "😀"])),
    "INTERVAL": _number(1, 1000),
    "COUNT": _number(1, 1000),
    "BYSECOND": _list_of(_number(0, 60)),
    "BYMINUTE": _list_of(_number(0, 59)),
    "BYHOUR": _list_of(_number(0, 23)),
    "BYDAY": _list_of(BYDAY),
    "BYMONTHDAY": _list_of(_number(1, 31)),
    "BYYEARDAY": _list_of(_number(1, 366)),
    "BYWEEKNO": _list_of(_number(1, 53)),
    "BYMONTH": _list_of(_number(1, 12)),
    "BYSETPOS": _list_of(_number(1, 366)),
    "WKST": st.one_of(st.sampled_from(WEEKDAYS), st.sampled_from(["XX", "", "1"])),
}


@st.composite
def moment(draw, near_now: bool | None = None) -> str:
    """A DATE-TIME or DATE value: usually a plausible one in 2026, otherwise an odd one."""
    if near_now is None:
        near_now = draw(st.integers(0, 3)) > 0
    if near_now:
        year, month, day = 2026, draw(st.integers(1, 12)), draw(st.integers(1, 28))
        hour, minute, second = draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])), 0
    else:
        year = draw(st.sampled_from([0, 1, 99, 1582, 1900, 1969, 1970, 2038, 2100, 9998, 9999, 10000, 99999]))
        month, day = draw(st.integers(0, 13)), draw(st.sampled_from([0, 1, 28, 29, 30, 31, 32]))
        hour, minute, second = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))
    form = draw(st.sampled_from(["utc", "utc", "floating", "date", "iso", "junk"]))
    stamp = f"{year:04d}{month:02d}{day:02d}"
    clock = f"T{hour:02d}{minute:02d}{second:02d}"
    if form == "utc":
        return stamp + clock + "Z"
    if form == "floating":
        return stamp + clock
    if form == "date":
        return stamp
    if form == "iso":
        return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    return draw(
        st.sampled_from(
            [
                "yesterday",
                "",
                "T",
                "2026",
                "20260230T100000Z",
                "20261301",
                "20260101T246060Z",
                "2026010",
                "20260101T1000",
                "20260101TT100000Z",
                "99999999999999999999",
                "-20260101",
            ]
        )
    )


TZIDS = st.sampled_from(
    [
        "Europe/Berlin",
        "UTC",
        "America/New_York",
        "Pacific/Kiritimati",
        "Mars/Olympus",
        "",
        "Europe/Berlin\x00",
        "../../etc/passwd",
        "Custom Zone",
        "W. Europe Standard Time",
    ]
)


@st.composite
def dated(draw, name: str, wild: bool = True) -> str:
    """A date property with or without TZID / VALUE parameters; `wild=False`: a valid one."""
    if not wild:
        day = f"2026{draw(st.integers(1, 12)):02d}{draw(st.integers(1, 28)):02d}"
        hour = draw(st.integers(0, 23))
        return draw(
            st.sampled_from(
                [
                    f"{name}:{day}T{hour:02d}0000Z",
                    f"{name};TZID=Europe/Berlin:{day}T{hour:02d}0000",
                    f"{name};VALUE=DATE:{day}",
                ]
            )
        )
    value = draw(moment())
    params = draw(
        st.sampled_from(
            ["", "", ";TZID={tz}", ";VALUE=DATE", ";VALUE=DATE-TIME", ";VALUE=PERIOD", ";TZID={tz};VALUE=DATE"]
        )
    )
    return f"{name}{params.format(tz=draw(TZIDS))}:{value}"


@st.composite
def rrule(draw) -> str:
    names = draw(st.lists(st.sampled_from(sorted(RRULE_PARTS)), min_size=0, max_size=5, unique=True))
    if draw(st.integers(0, 4)) > 0 and "FREQ" not in names:
        names.insert(0, "FREQ")
    parts = [f"{name}={draw(RRULE_PARTS[name])}" for name in names]
    if draw(st.booleans()):
        parts.append(f"UNTIL={draw(moment())}")
    if draw(st.integers(0, 9)) == 0:  # a part twice, or a part that does not exist
        parts.append(draw(st.sampled_from(["FREQ=DAILY", "COUNT=2", "FOO=BAR", "=", ";;", "INTERVAL"])))
    return "RRULE:" + ";".join(parts)


DURATIONS = st.sampled_from(
    [
        "PT1H",
        "P1D",
        "PT0S",
        "-PT1H",
        "P1W",
        "P9999999W",
        "PT99999999999H",
        "P",
        "PT",
        "1H",
        "P1Y",
        "P1M",
        "PT1.5H",
        "garbage",
        "",
        "+PT30M",
        "P1DT",
        "P-1D",
    ]
)


@st.composite
def date_list(draw, name: str) -> str:
    values = draw(st.lists(moment(), min_size=0, max_size=5))
    if name == "RDATE" and draw(st.integers(0, 5)) == 0:
        return (
            f"RDATE;VALUE=PERIOD:{draw(moment())}/{draw(st.sampled_from(['PT1H', 'garbage', '20260101T000000Z', '']))}"
        )
    params = draw(st.sampled_from(["", ";TZID={tz}", ";VALUE=DATE"])).format(tz=draw(TZIDS))
    return f"{name}{params}:{','.join(values)}"


@st.composite
def vtimezone(draw) -> list[str]:
    tzid = draw(TZIDS)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    for kind in draw(st.lists(st.sampled_from(["STANDARD", "DAYLIGHT", "X-JUNK"]), max_size=3)):
        lines += [f"BEGIN:{kind}", f"DTSTART:{draw(moment())}"]
        if draw(st.booleans()):
            lines.append(draw(rrule()))
        offsets = st.sampled_from(["+0100", "+0200", "-0500", "+9999", "0100", "+01", "junk", "", "+2400"])
        lines += [f"TZOFFSETFROM:{draw(offsets)}", f"TZOFFSETTO:{draw(offsets)}", f"END:{kind}"]
    lines.append("END:VTIMEZONE")
    return lines


@st.composite
def vevent(draw, uid: str, component: str = "VEVENT", wild: bool = True) -> list[str]:
    """An event; `wild=False` keeps all but its recurrence valid, so the RRULE reaches expansion."""
    lines = [f"BEGIN:{component}"]
    if not wild or draw(st.integers(0, 9)) > 0:
        lines.append(f"UID:{uid}")
    lines.append("DTSTAMP:20260101T000000Z")
    lines.append(f"SUMMARY:{draw(TEXT) if wild else 'Offener Treff'}")
    if not wild or draw(st.integers(0, 9)) > 0:
        lines.append(draw(dated("DTSTART", wild)))
    end = draw(st.sampled_from(["dtend", "dtend", "duration", "none", "both"] if wild else ["duration", "none"]))
    if end in ("dtend", "both"):
        lines.append(draw(dated("DTEND")))
    if end in ("duration", "both"):
        lines.append(f"DURATION:{draw(DURATIONS) if wild else 'PT1H'}")
    for _ in range(draw(st.integers(0 if wild else 1, 2))):
        lines.append(draw(rrule()))
    for name in draw(st.lists(st.sampled_from(["EXDATE", "RDATE", "EXRULE"]), max_size=2 if wild else 1)):
        lines.append(draw(rrule()).replace("RRULE", "EXRULE", 1) if name == "EXRULE" else draw(date_list(name)))
    if wild and draw(st.integers(0, 5)) == 0:
        lines.append(draw(dated("RECURRENCE-ID")))
    extra = draw(
        st.lists(
            st.sampled_from(
                [
                    "CLASS:PRIVATE",
                    "CLASS:CONFIDENTIAL",
                    "CLASS:JUNK",
                    "STATUS:CANCELLED",
                    "SEQUENCE:-1",
                    "SEQUENCE:99999999999999999999",
                    "PRIORITY:10",
                    "TRANSP:JUNK",
                    "CATEGORIES:,,,",
                    "GEO:999;999",
                    'ATTENDEE;CN="x":mailto:a@example.org',
                    "ORGANIZER:invalid",
                    "ATTACH;VALUE=BINARY;ENCODING=BASE64:!!!",
                    "BEGIN:VALARM",
                    "END:VALARM",
                    "TRIGGER:-PT15M",
                    "X-TREFFPUNKT-AUDIENCE:\x00",
                    "LOCATION:;;;",
                ]
            ),
            max_size=3,
        )
    )
    lines += extra if wild else []
    if draw(st.integers(0, 4)) == 0:
        lines.append(f"DESCRIPTION:{draw(TEXT)}")
    lines.append(f"END:{component}")
    return lines


SIZES = [0] * 30 + [75_000, 1024 * 1024 - 300, 1024 * 1024 + 10, 2 * 1024 * 1024 - 2000, 2 * 1024 * 1024 + 10]


@st.composite
def calendar_object(draw) -> bytes:
    """One CalDAV resource body."""
    wild = draw(st.booleans())  # else only the recurrence is hostile
    uid = draw(st.one_of(st.just("fuzz-1@treffpunkt.test"), TEXT)) if wild else "fuzz-1@treffpunkt.test"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Treffpunkt//Fuzz//DE"]
    if wild and draw(st.integers(0, 9)) == 0:
        lines = draw(
            st.sampled_from([["BEGIN:VCALENDAR"], [], ["VERSION:2.0"], ["BEGIN:VCALENDAR", "BEGIN:VCALENDAR"]])
        )
    if wild and draw(st.integers(0, 3)) == 0:
        lines += draw(vtimezone())
    component = (
        draw(st.sampled_from(["VEVENT"] * 8 + ["VTODO", "VJOURNAL", "VFREEBUSY", "X-THING"])) if wild else "VEVENT"
    )
    lines += draw(vevent(uid, component, wild))
    many = draw(st.sampled_from([0] * 8 + [2, 50, 400])) if wild else 0
    if many:  # copies: more UIDs in one resource, or overrides of one series
        override = draw(st.booleans())
        for i in range(many):
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid if override else f'{uid}-{i}'}",
                "DTSTAMP:20260101T000000Z",
                f"RECURRENCE-ID:2026{(i % 12) + 1:02d}{(i % 28) + 1:02d}T100000Z" if override else "",
                f"DTSTART:2026{(i % 12) + 1:02d}{(i % 28) + 1:02d}T110000Z",
                "SUMMARY:Kopie",
                "END:VEVENT",
            ]
    if not wild or draw(st.integers(0, 9)) > 0:
        lines.append("END:VCALENDAR")
    pad = draw(st.sampled_from(SIZES)) if wild else 0
    long_line = draw(st.sampled_from([0] * 6 + [10_000, 100_000])) if wild else 0
    lines = [line for line in lines if line]
    if long_line:
        lines.insert(-1 if lines else 0, "COMMENT:" + "ä" * long_line)
    newline = draw(st.sampled_from(["\r\n", "\r\n", "\n", "\r"])) if wild else "\r\n"
    text = newline.join(lines) + newline
    data = text.encode("utf-8", "surrogatepass")
    if pad > len(data):
        filler = ("X-PAD:" + "x" * (pad - len(data) - 10) + newline).encode()
        data = data.replace(b"END:VEVENT", filler + b"END:VEVENT", 1) if b"END:VEVENT" in data else data + filler
    return data
