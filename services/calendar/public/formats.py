"""Dates and times on the public pages, in the reader's language and local time: a day heading
("Montag, 7. Dezember"), a time span ("10:00–11:30 Uhr"), a whole date line."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import format_date, format_time, get_locale, gettext as _

from services.calendar.domain.calendar_data import LOCAL


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "de"


def day_heading(day: date) -> str:
    return str(format_date(day, "EEEE, d. MMMM" if _language() == "de" else "EEEE, d MMMM"))


def day_short(day: date) -> str:
    return str(format_date(day, "EEE, d. MMM yyyy" if _language() == "de" else "EEE, d MMM yyyy"))


def month_title(day: date) -> str:
    return str(format_date(day, "LLLL yyyy"))


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL)


def times(start: datetime, end: datetime, all_day: bool) -> str:
    """ "10:00–11:30 Uhr", "ganztägig", or with the end's day when it ends on another day."""
    if all_day:
        return _("ganztägig")
    first, last = local(start), local(end)
    begin = _clock(first)
    if last <= first:
        return _("%(time)s Uhr", time=begin)
    if last.date() != first.date() and not (last.date() == first.date() + timedelta(days=1) and last.hour == 0):
        return _("%(start)s Uhr bis %(day)s, %(end)s Uhr", start=begin, day=day_short(last.date()), end=_clock(last))
    return _("%(start)s–%(end)s Uhr", start=begin, end=_clock(last))


def _clock(moment: datetime) -> str:
    return str(format_time(moment.replace(tzinfo=None), "HH:mm", rebase=False))
