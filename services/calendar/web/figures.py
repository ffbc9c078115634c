"""The calendar in figures, for the coordination office's reports to the network's funders:
offerings by district, category and audience, their dates held, still to come and cancelled,
month by month; as charts with their tables, and as CSV (shared/web/figures.py says how)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from shared.auth import current_account, identity, login_required
from shared.charts import Bar, bar_chart
from shared.clock import utcnow
from shared.periods import month_of
from shared.web.figures import PeriodForm, csv_download
from shared.web.request_db import db

from services.calendar.domain import access
from services.calendar.domain.calendar_data import LOCAL
from services.calendar.domain.figures import DateCounts, OfferingFigures
from services.calendar.public.words import label, vocabulary
from services.calendar.store.sql_figures import offering_figures

bp = Blueprint("calendar_figures", __name__, url_prefix="/calendar", template_folder="../templates")


def _figures() -> tuple[PeriodForm, OfferingFigures | None]:
    """The form as filled in, and the figures if it is valid (403 for all but the office)."""
    me = current_account()
    if me is None or not access.can_see_figures(access.Reader(me.partner_id, me.is_coordination)):
        abort(403)
    form = PeriodForm(request.args)
    if not form.validate():
        return form, None
    now = utcnow()
    period = form.period(month_of(now.astimezone(LOCAL).date()))
    districts = {p["id"]: p["district"] for p in identity().partners()}
    return form, offering_figures(db(), period, LOCAL, now, districts, vocabulary())


def _bars(rows: list[tuple[str, DateCounts]]) -> list[Bar]:
    return [Bar(label, (c.held, c.planned, c.cancelled), _("%(count)s Termine", count=c.dates)) for label, c in rows]


@bp.get("/figures")
@login_required
def figures():
    form, found = _figures()
    if found is None:
        return render_template("calendar/figures.html", form=form, found=None), 400
    parts = (_("stattgefunden"), _("geplant"), _("abgesagt"))
    what = _("Termine, geteilt in stattgefundene, noch geplante und abgesagte.")
    months = [(m.shown(), c) for m, c in found.by_month]
    districts = list(found.by_district)
    categories = [(label("category", k), c) for k, c in found.by_category]
    audiences = [(label("audience", k), c) for k, c in found.by_audience]
    return render_template(
        "calendar/figures.html",
        form=form,
        found=found,
        months=months,
        districts=districts,
        categories=categories,
        audiences=audiences,
        incomplete=found.misses_dates(found.period.bounds(LOCAL)[0]),
        counted_from=found.counted_from.astimezone(LOCAL).strftime("%d.%m.%Y"),
        charts={
            "month": bar_chart("monate", _("Termine je Monat"), what, parts, _bars(months)),
            "district": bar_chart("stadtteile", _("Termine je Stadtteil"), what, parts, _bars(districts)),
            "category": bar_chart("kategorien", _("Termine je Kategorie"), what, parts, _bars(categories)),
            "audience": bar_chart("zielgruppen", _("Termine je Zielgruppe"), what, parts, _bars(audiences)),
        },
        csv_args={"von": form.von.data, "bis": form.bis.data},
    )


CSV_HEADER = ("Aufteilung", "Wert", "Angebote", "Termine stattgefunden", "Termine geplant", "Termine abgesagt")


@bp.get("/figures.csv")
@login_required
def figures_csv():
    """One block of rows per breakdown (month, district, category, audience) with the stored
    German words; the column names stay German (the network's reports are)."""
    form, found = _figures()
    if found is None:
        return render_template("calendar/figures.html", form=form, found=None), 400
    blocks = (
        ("Monat", [(m.key(), c) for m, c in found.by_month]),
        ("Stadtteil", list(found.by_district)),
        ("Kategorie", list(found.by_category)),
        ("Zielgruppe", list(found.by_audience)),
        ("Gesamt", [("", found.total)]),
    )
    rows = [
        (kind, value, c.offerings, c.held, c.planned, c.cancelled) for kind, values in blocks for value, c in values
    ]
    period = found.period
    return csv_download(f"angebote-{period.first.key()}-bis-{period.last.key()}.csv", CSV_HEADER, rows)
