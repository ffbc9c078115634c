"""Dates and times as people type them into a form: "14", "14 Uhr", "14.30", "2pm"; "8.12.",
"08.12.26", "2026-12-08", "morgen", "nächsten Dienstag". Pure: a function of the text (and of
today, for the words and for a day without a year), no Flask.

Anything that is not understood raises TypedError (a ValueError, as WTForms expects of a field)
with a code; the form words it. The text is bounded (MAX_TEXT) and every pattern is anchored
and linear, so no input makes the parse slow. Digits are ASCII only (re.ASCII).

Decisions: minutes have two digits ("9:5" or "14.3" could mean :05/:03 or :50/:30, so they are
refused with their own code); "Dienstag" is the next Tuesday from today on (today itself when
it is one), "nächsten Dienstag" the next one after today; a day without a year is the next such
day that is not in the past; a two-digit year is 20xx."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

MAX_TEXT = 40
# Days the services accept at all: far from datetime's ends (years 1 and 9999), where a time zone
# or a buffer applied to a moment overflows, and wide enough for every real booking and offering.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2199, 12, 31)
YEARS_AHEAD = 8  # how far "29.02." may look for its year (a leap year comes within 8)


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


class TypedError(ValueError):
    """`code`: day_unknown, day_impossible, day_weekday_mismatch, time_unknown, time_minutes,
    time_impossible. `shown`: the part the message should repeat ("31.02.2027", "25:00");
    `day`: the date a mismatching weekday was written with."""

    def __init__(self, code: str, shown: str = "", day: date | None = None):
        super().__init__(code)
        self.code, self.shown, self.day = code, shown, day


def _words(*groups: tuple[str, ...]) -> dict[str, int]:
    return {word: number for number, words in enumerate(groups) for word in words}


WEEKDAY_WORDS = _words(
    ("montag", "mo", "monday", "mon"),
    ("dienstag", "di", "tuesday", "tue", "tues"),
    ("mittwoch", "mi", "wednesday", "wed"),
    ("donnerstag", "do", "thursday", "thu", "thur", "thurs"),
    ("freitag", "fr", "friday", "fri"),
    ("samstag", "sa", "sonnabend", "saturday", "sat"),
    ("sonntag", "so", "sunday", "sun"),
)
MONTH_WORDS = {
    word: number + 1
    for number, words in enumerate(
        (
            ("januar", "jan", "jänner", "january"),
            ("februar", "feb", "february"),
            ("märz", "mär", "maerz", "mar", "march"),
            ("april", "apr"),
            ("mai", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "october", "oct"),
            ("november", "nov"),
            ("dezember", "dez", "december", "dec"),
        )
    )
    for word in words
}
DAYS_FROM_TODAY = {
    "heute": 0,
    "today": 0,
    "morgen": 1,
    "tomorrow": 1,
    "übermorgen": 2,
    "uebermorgen": 2,
    "day after tomorrow": 2,
}
NEXT = ("nächsten", "nächster", "nächste", "naechsten", "kommenden", "kommender", "next")
LEADING = ("am", "den", "on", "ab")  # "am Dienstag", "den 8.12.", "on tuesday"

_F = re.ASCII | re.IGNORECASE
_NUMERIC_DAY = re.compile(r"(\d{1,2})\s?\.\s?(\d{1,2})(?:\s?\.\s?(\d{4}|\d{2})?)?", _F)
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", _F)
_NAMED_MONTH = re.compile(r"([0-9]{1,2})\.?\s?([^\W\d_]{3,9})\.?(?:\s?([0-9]{4}|[0-9]{2}))?")
_WEEKDAY_FIRST = re.compile(r"([^\W\d_]{2,10})\.?,?\s(.+)")
_CLOCK = re.compile(r"(\d{1,2})(?:\s?[:.,]\s?(\d{2})(?::(\d{2}))?)?\s?(?:uhr|h)?", _F)  # "14,30 Uhr" too
_CLOCK_UHR_MINUTES = re.compile(r"(\d{1,2})\s?(?:uhr|h)\s?(\d{2})", _F)
_CLOCK_DIGITS = re.compile(r"(\d{1,2})(\d{2})", _F)  # "930", "1430": typed on a number pad
_CLOCK_ENGLISH = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s?(am|pm|a\.m\.|p\.m\.)", _F)
_SHORT_MINUTES = re.compile(r"\d{1,2}\s?[:.,]\s?\d(?:\s?(?:uhr|h))?", _F)


def _clean(text: str, unknown: str) -> str:
    if len(text) > MAX_TEXT:
        raise TypedError(unknown)
    return " ".join(text.lower().split())


def parse_day(text: str, today: date) -> date:
    """The day the text names, seen from `today`; raises TypedError."""
    cleaned = _clean(text, "day_unknown")
    words = cleaned.split(" ", 1)
    if len(words) == 2 and words[0] in LEADING:
        cleaned = words[1]
    if cleaned in DAYS_FROM_TODAY:
        return today + timedelta(days=DAYS_FROM_TODAY[cleaned])
    weekday = _weekday_day(cleaned, today)
    if weekday is not None:
        return weekday
    first = _WEEKDAY_FIRST.fullmatch(cleaned)
    if first and first.group(1) in WEEKDAY_WORDS:  # "Di, 08.12.2026" as the form shows a day
        day = _calendar_day(first.group(2), today)
        if day.weekday() != WEEKDAY_WORDS[first.group(1)]:
            raise TypedError("day_weekday_mismatch", f"{day:%d.%m.%Y}", day)
        return day
    return _calendar_day(cleaned, today)


def _weekday_day(cleaned: str, today: date) -> date | None:
    words = cleaned.rstrip(".").split(" ")
    after_today = len(words) == 2 and words[0] in NEXT
    name = words[-1].rstrip(".") if len(words) == 1 or after_today else ""
    if name not in WEEKDAY_WORDS:
        return None
    ahead = (WEEKDAY_WORDS[name] - today.weekday()) % 7
    return today + timedelta(days=ahead or (7 if after_today else 0))


def _calendar_day(cleaned: str, today: date) -> date:
    if found := _ISO_DAY.fullmatch(cleaned):
        return _exact(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    if found := _NUMERIC_DAY.fullmatch(cleaned):
        return _day_of(int(found.group(1)), int(found.group(2)), found.group(3), today)
    if (found := _NAMED_MONTH.fullmatch(cleaned)) and found.group(2) in MONTH_WORDS:
        return _day_of(int(found.group(1)), MONTH_WORDS[found.group(2)], found.group(3), today)
    raise TypedError("day_unknown")


def _day_of(day: int, month: int, year: str | None, today: date) -> date:
    if year is not None:
        return _exact(day, month, int(year) + (2000 if len(year) == 2 else 0))
    for candidate in range(today.year, today.year + YEARS_AHEAD + 1):
        try:
            found = date(candidate, month, day)
        except ValueError:
            continue
        if found >= today:
            return found
    raise TypedError("day_impossible", f"{day:02d}.{month:02d}.")


def _exact(day: int, month: int, year: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise TypedError("day_impossible", f"{day:02d}.{month:02d}.{year:04d}") from None


def parse_clock(text: str) -> time:
    """The wall-clock time the text names; raises TypedError."""
    cleaned = _clean(text, "time_unknown")
    if found := _CLOCK_ENGLISH.fullmatch(cleaned):
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        if not 1 <= hour <= 12:
            raise TypedError("time_impossible", cleaned)
        return _exact_clock(hour % 12 + (12 if found.group(3).startswith("p") else 0), minute)
    for pattern in (_CLOCK, _CLOCK_UHR_MINUTES, _CLOCK_DIGITS):
        if found := pattern.fullmatch(cleaned):
            hour, minute, *second = (int(g or 0) for g in found.groups())
            return _exact_clock(hour, minute, *second)
    if _SHORT_MINUTES.fullmatch(cleaned):
        raise TypedError("time_minutes", cleaned)
    raise TypedError("time_unknown")


def _exact_clock(hour: int, minute: int, second: int = 0) -> time:
    if hour > 23 or minute > 59 or second > 59:
        raise TypedError("time_impossible", f"{hour}:{minute:02d}")
    return time(hour, minute, second)
