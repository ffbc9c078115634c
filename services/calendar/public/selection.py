"""What a weekly programme or an embed shows: the filter of its address, read with the same keys
and refusals as the list pages, and that choice in words for a title ("Lobeda",
"Mehrgenerationenhaus Lobeda") and for a place ("Saal, Karl-Marx-Allee 28 · Lobeda")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.identity.models import DISTRICTS
from shared.identity.store import PartnerInfo

from services.calendar.domain.place import parse_location
from services.calendar.domain.public_filter import PublicFilter, filter_args, parse_filter
from services.calendar.public import snapshot
from services.calendar.public.links import Choice
from services.calendar.public.words import label, vocabulary
from services.calendar.store.sql_public import PublicEntry


@dataclass(frozen=True)
class Selection:
    choice: Choice  # the values as the address gave them (for links)
    chosen: PublicFilter  # the same, checked
    partners: dict[int, PartnerInfo]  # every partner, by id

    def names(self) -> list[str]:
        """Whose programme it is: the chosen partners, then the chosen districts."""
        partners = [p["name"] for p in self.partners.values() if p["id"] in self.chosen.partner_ids]
        return partners + [d for d in DISTRICTS if d in self.chosen.districts]

    def details(self) -> list[str]:
        """The rest of the choice in the reader's words (for whom, what, step-free …)."""
        words = [label(key, value) for key, value in self.choice.active() if key not in ("partner", "district")]
        return words + ([f"„{self.choice.search}“"] if self.choice.search else [])

    def where(self, entry: PublicEntry) -> Where:
        partner = self.partners.get(entry.partner_id)
        place = parse_location(entry.location)
        name = place.name or place.address or (partner["name"] if partner else "")
        street = place.street if place.name else ""
        return Where(name, street, entry.district or (partner["district"] if partner else ""))


@dataclass(frozen=True)
class Where:
    name: str  # the place, or its address when it has no name, or who runs it
    street: str  # beside a name
    district: str


def read(args: Mapping[str, list[str]]) -> Selection:
    """The filter of a query string (`request.args.to_dict(flat=False)`); other keys are left
    to the caller. Raises InvalidFilter as the list pages do."""
    values = filter_args(args)
    partners = snapshot.current().partners
    chosen = parse_filter(values, [dict(p) for p in partners], DISTRICTS, vocabulary())
    return Selection(Choice(values), chosen, {p["id"]: p for p in partners})


def every_partner() -> list[PartnerInfo]:
    """For a form's list of partners, by name: the active ones (a deactivated partner's old
    addresses keep working through read(), but no new choice offers it)."""
    return sorted((p for p in snapshot.current().partners if p["active"]), key=lambda p: p["name"])
