"""Words for domain.fit's reasons, as a search result or an alternative shows them:
"passt gut: 12 Sitzplätze für 10 Personen", "viel größer als nötig: 80 Sitzplätze"."""

from __future__ import annotations

from flask_babel import gettext as _, ngettext

from services.rooms import wording
from services.rooms.domain.fit import Fit, Reason


def text(reason: Reason) -> str:
    seats = ngettext("%(num)s Sitzplatz", "%(num)s Sitzplätze", reason.seats)
    people = ngettext("%(num)s Person", "%(num)s Personen", reason.people)
    items = ", ".join(wording.equipment_label(key) for key in reason.items)
    words = {
        "seats": lambda: seats,
        "seats_fit": lambda: _("passt gut: %(seats)s für %(people)s", seats=seats, people=people),
        "seats_larger": lambda: _("größer als nötig: %(seats)s für %(people)s", seats=seats, people=people),
        "seats_much_larger": lambda: _("viel größer als nötig: %(seats)s", seats=seats),
        "seats_too_few": lambda: _("zu klein: %(seats)s für %(people)s", seats=seats, people=people),
        "seats_like": lambda: _("ähnlich groß: %(seats)s", seats=seats),
        "seats_smaller": lambda: _("kleiner: %(seats)s statt %(like)s", seats=seats, like=reason.people),
        "seats_bigger": lambda: _("größer: %(seats)s statt %(like)s", seats=seats, like=reason.people),
        "equipment_met": lambda: _("mit %(items)s", items=items),
        "equipment_missing": lambda: _("ohne %(items)s", items=items),
        "step_free": lambda: _("barrierefrei"),
        "not_step_free": lambda: _("nicht barrierefrei"),
        "district": lambda: _("in %(district)s", district=reason.district),
        "other_district": lambda: (
            _("in einem anderen Stadtteil: %(district)s", district=reason.district)
            if reason.district
            else _("Stadtteil nicht angegeben")
        ),
    }
    return words[reason.code]() if reason.code in words else reason.code


def summary(found: Fit) -> str:
    """All reasons of one room in one line: seats, equipment, access, district."""
    return "; ".join(text(r) for r in found.reasons)
