"""The room exchange in figures, for the coordination office's reports to the network's funders:
hours booked per room, house and month, the share of opening hours, what other partners booked,
requests decided and dates cancelled; as charts with their tables, and as CSV (one row per room
and month, minutes and counts: shared/web/figures.py says why)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from shared.auth import current_account, login_required
from shared.charts import Bar, bar_chart
from shared.periods import month_of
from shared.web.figures import PeriodForm, csv_download, hours
from shared.web.request_db import db

from services.rooms.db.figures import room_figures
from services.rooms.domain import permissions
from services.rooms.domain.figures import RoomFigures, Use
from services.rooms.request_context import ctx
from services.rooms.web.blueprint import bp


def _figures() -> tuple[PeriodForm, RoomFigures | None]:
    """The form as the reader filled it in, and the figures if it is valid (403 for anyone but
    the coordination office)."""
    if not permissions.can_see_figures(current_account()):
        abort(403)
    form = PeriodForm(request.args)
    if not form.validate():
        return form, None
    context = ctx()
    period = form.period(month_of(context.now.astimezone(context.tz).date()))
    return form, room_figures(db(), period, context.tz)


def _bars(rows: list[tuple[str, Use]]) -> list[Bar]:
    return [
        Bar(
            label,
            (u.booked_minutes - u.other_minutes, u.other_minutes),
            _("%(hours)s Std.", hours=hours(u.booked_minutes)),
        )
        for label, u in rows
    ]


@bp.get("/figures")
@login_required
def figures():
    form, found = _figures()
    if found is None:
        return render_template("rooms/figures.html", form=form, found=None), 400
    name_of = ctx().partner_name_of
    parts = (_("vom eigenen Haus"), _("von anderen Partnern"))
    months = [(m.shown(), u) for m, u in found.by_month()]
    rooms = [(f"{r.name} ({name_of(r.partner_id)})", u) for r, u in found.by_room()]
    partners = sorted(((name_of(p), u) for p, u in found.by_partner()), key=lambda pu: pu[0])
    what = _("Gebuchte Stunden, geteilt in Buchungen des eigenen Hauses und anderer Partner.")
    return render_template(
        "rooms/figures.html",
        form=form,
        found=found,
        total=found.total(),
        months=months,
        rooms=[(r, name_of(r.partner_id), u) for r, u in found.by_room()],
        partners=partners,
        month_chart=bar_chart("monate", _("Gebuchte Stunden je Monat"), what, parts, _bars(months)),
        room_chart=bar_chart("raeume", _("Gebuchte Stunden je Raum"), what, parts, _bars(rooms)),
        partner_chart=bar_chart("haeuser", _("Gebuchte Stunden je Haus"), what, parts, _bars(partners)),
        csv_args={"von": form.von.data, "bis": form.bis.data},
    )


CSV_HEADER = (
    "Monat",
    "Haus",
    "Raum",
    "Raum-Nr",
    "Minuten gebucht",
    "Minuten von anderen Partnern",
    "Minuten Öffnungszeit",
    "Termine",
    "Termine anderer Partner",
    "Termine abgesagt",
    "Anfragen freigegeben",
    "Anfragen abgelehnt",
)


@bp.get("/figures.csv")
@login_required
def figures_csv():
    """One row per room and month; the column names stay German (the network's reports are)."""
    form, found = _figures()
    if found is None:
        return render_template("rooms/figures.html", form=form, found=None), 400
    name_of = ctx().partner_name_of
    rows = (
        (
            r.month.key(),
            name_of(r.room.partner_id),
            r.room.name,
            r.room.id,
            r.use.booked_minutes,
            r.use.other_minutes,
            r.use.open_minutes,
            r.use.dates,
            r.use.other_dates,
            r.use.cancelled,
            r.use.approved,
            r.use.declined,
        )
        for r in sorted(found.rows, key=lambda r: (r.month, name_of(r.room.partner_id), r.room.name, r.room.id))
    )
    period = found.period
    return csv_download(f"raumbelegung-{period.first.key()}-bis-{period.last.key()}.csv", CSV_HEADER, rows)
