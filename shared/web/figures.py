"""What the figures pages of the rooms and the calendar service share: the form choosing the
period (?von=03.2025&bis=02.2026, by default the last twelve months) and the CSV download.

CSV for German Excel, which most of the network's offices use: a double click there splits
columns at the list separator of the German locale, ";", not at ",", and reads a file as UTF-8
only when it starts with a byte order mark (else "Begegnungscafé" turns into mojibake). So: ";"
and a BOM; LibreOffice and Python's csv module read both as well. Numbers are written as plain
integers (minutes, counts): a decimal point would be read by German Excel as a date ("12.5" as
12 May) and a decimal comma by everything else as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Flask, Response
from flask_babel import format_decimal, format_percent, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, ValidationError
from wtforms.validators import Optional

from shared.periods import DEFAULT_MONTHS, Month, Period, period_problem, read_month

MONTH_PROBLEMS = {
    "month_unknown": _l("Bitte einen Monat mit Jahr angeben, z. B. 03.2025."),
    "month_range": _l("Bitte einen Monat zwischen 2000 und 2199 angeben."),
    "month_order": _l("Der letzte Monat liegt vor dem ersten. Bitte tauschen Sie die Monate."),
    "too_long": _l("Höchstens fünf Jahre (60 Monate) auf einmal. Bitte wählen Sie einen kürzeren Zeitraum."),
}


def _month(_form: FlaskForm, field: Field) -> None:
    try:
        read_month(field.data or "")
    except ValueError as exc:
        raise ValidationError(str(MONTH_PROBLEMS[str(exc)])) from None


class PeriodForm(FlaskForm):  # type: ignore[misc]  # flask_wtf has no type hints: FlaskForm is Any to mypy
    """A GET form (no CSRF: it changes nothing); empty fields mean the last twelve months."""

    class Meta:
        csrf = False

    von = StringField(_l("Von (Monat)"), validators=[Optional(), _month], render_kw={"autocomplete": "off"})
    bis = StringField(_l("Bis (Monat)"), validators=[Optional(), _month], render_kw={"autocomplete": "off"})

    def validate_bis(self, field: Field) -> None:
        if self.von.errors or not self.von.data or not field.data:
            return
        problem = period_problem(read_month(self.von.data), read_month(field.data))
        if problem:
            raise ValidationError(str(MONTH_PROBLEMS[problem]))

    def period(self, this_month: Month) -> Period:
        """The period chosen (call after validate()). One month given: the twelve months from
        it or up to it; none: the last twelve months. The fields then show what was understood."""
        span = DEFAULT_MONTHS - 1
        first = read_month(self.von.data) if self.von.data else None
        last = read_month(self.bis.data) if self.bis.data else None
        if first is None:
            last = last or this_month
            first = last.plus(-span)
        elif last is None:
            last = first.plus(span)
        self.von.data, self.bis.data = first.shown(), last.shown()
        return Period(first, last)


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A spreadsheet file as German Excel opens it (see above), offered as a download."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        out.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def hours(minutes: int) -> str:
    """Minutes as hours for a page, in the reader's language: "12,5"."""
    return str(format_decimal(minutes / 60, format="#,##0.#"))


def percent(share: float | None) -> str:
    """A share for a page, "37,5 %"; a dash where there is none (closed all month)."""
    return "–" if share is None else str(format_percent(share, format="#,##0.0 %"))


def init_app(app: Flask) -> None:
    app.jinja_env.filters.setdefault("hours", hours)
    app.jinja_env.filters.setdefault("percent", percent)
