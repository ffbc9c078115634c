"""Where an offering takes place, read from its LOCATION text as people write it in Germany
("Mehrgenerationenhaus Lobeda, Karl-Marx-Allee 28, 07747 Jena"), for the page, the map link
and schema.org's PostalAddress. Text that does not look like an address stays a name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

POSTCODE = re.compile(r"(\d{5})\s+(.+)\Z")
STREET = re.compile(r"\d")  # a street part carries its house number
MAP = "https://www.openstreetmap.org/"


@dataclass(frozen=True)
class Place:
    name: str
    street: str
    postal_code: str
    locality: str

    @property
    def address(self) -> str:
        town = " ".join(filter(None, (self.postal_code, self.locality)))
        return ", ".join(filter(None, (self.street, town)))


def parse_location(text: str, default_locality: str = "Jena") -> Place:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    postal_code = locality = street = ""
    if parts and (match := POSTCODE.match(parts[-1])):
        postal_code, locality = match[1], match[2]
        parts.pop()
    if parts and len(parts) > 1 and STREET.search(parts[-1]):
        street = parts.pop()
    elif parts and postal_code and STREET.search(parts[-1]):
        street = parts.pop()
    if (street or postal_code) and not locality:
        locality = default_locality
    return Place(", ".join(parts), street, postal_code, locality)


def map_link(place: Place, geo: tuple[float, float] | None) -> str:
    """OpenStreetMap at the point when it is known, else a search for the address."""
    if geo is not None:
        lat, lon = round(geo[0], 6), round(geo[1], 6)
        return f"{MAP}?{urlencode({'mlat': lat, 'mlon': lon})}#map=18/{lat}/{lon}"
    where = place.address or place.name
    return f"{MAP}search?query={quote(where)}" if where else ""
