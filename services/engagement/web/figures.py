"""The Engagementbörse in figures, for the coordination office's reports to the network's
funders: opportunities published, offers of help, matches and hours, by district and by month,
for a period (this year unless chosen: funders ask by the year); as tables, and as CSV (one row
per month and district, counts and minutes: shared/web/figures.py says why). What counts when is
exchange/figures.py's docstring."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from shared.auth import current_account, login_required
from shared.periods import Month, Period, month_of
from shared.web import figures as shared_figures
from shared.web.figures import PeriodForm, csv_download
from shared.web.request_db import db

from services.engagement.domain import figures as rules
from services.engagement.domain.permissions import can
from services.engagement.domain.vocabulary import DISTRICTS, LOCAL_TZ
from services.engagement.exchange import figures as store
from services.engagement.web.context import ctx, partners

bp = Blueprint("engagement_figures", __name__)


@bp.record_once
def _filters(state) -> None:
    shared_figures.init_app(state.app)  # the `hours` filter the table uses


Cells = dict[tuple[str, Month], rules.Counts]


def _figures() -> tuple[PeriodForm, tuple[Period, Cells] | None]:
    """The form as the reader filled it in, and the cells if it is valid (403 for anyone but
    the coordination office)."""
    if not can("see_figures", current_account(), None):
        abort(403)
    form = PeriodForm(request.args)
    if not form.validate():
        return form, None
    this_month = month_of(ctx().now.astimezone(LOCAL_TZ).date())
    if not form.von.data and not form.bis.data:  # this year, January to December
        form.von.data = Month(this_month.year, 1).shown()
    period = form.period(this_month)
    districts = {p["id"]: p["district"] for p in partners()}
    return form, (period, rules.table(store.facts(db(), period, districts), period))


def _district_order(district: str) -> tuple[int, str]:
    return (DISTRICTS.index(district) if district in DISTRICTS else len(DISTRICTS), district)


@bp.get("/engagement/figures")
@login_required
def figures():
    form, found = _figures()
    if found is None:
        return render_template("engagement/figures.html", form=form, found=None), 400
    period, cells = found
    districts = rules.by_district(cells)
    return render_template(
        "engagement/figures.html",
        form=form,
        found=True,
        period=period,
        months=[(m.shown(), c) for m, c in rules.by_month(cells).items()],
        districts=[(d or _("ohne Stadtteil"), districts[d]) for d in sorted(districts, key=_district_order)],
        total=sum(cells.values(), rules.Counts()),
        csv_args={"von": form.von.data, "bis": form.bis.data},
    )


CSV_HEADER = ("Monat", "Stadtteil", "Angebote veröffentlicht", "Hilfsangebote", "Vermittlungen", "Minuten engagiert")


@bp.get("/engagement/figures.csv")
@login_required
def figures_csv():
    """One row per month and district with something in it; the column names stay German (the
    network's reports are)."""
    form, found = _figures()
    if found is None:
        return render_template("engagement/figures.html", form=form, found=None), 400
    period, cells = found
    rows = (
        (month.key(), district, c.opportunities, c.applications, c.matches, c.minutes)
        for (district, month), c in sorted(cells.items(), key=lambda item: (item[0][1], _district_order(item[0][0])))
    )
    return csv_download(f"engagement-{period.first.key()}-bis-{period.last.key()}.csv", CSV_HEADER, rows)
