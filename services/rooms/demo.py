"""Demo rooms for the Jena network (make run). Idempotent: a room that exists is left alone.
Rooms are created through the use case (booking.rooms), in one transaction, so
calendar.room_changed goes to the outbox."""

from __future__ import annotations

from sqlalchemy import select

from shared.db import transaction

from services.rooms.booking.rooms import create_room
from services.rooms.db.models import Room

# partner slug -> rooms (name, capacity, equipment, step_free, description)
ROOMS = {
    "mgh-lobeda": [
        (
            "Großer Saal",
            80,
            ["beamer", "leinwand", "musikanlage", "stuehle", "tische"],
            True,
            "Heller Saal im Erdgeschoss, gut für Feste, Vorträge und den Familienkinoabend.",
        ),
        ("Gruppenraum 1", 15, ["whiteboard", "tische", "stuehle", "wlan"], True, "Ruhiger Raum für Gruppen und Kurse."),
        ("Küche", 12, ["kueche", "tische"], True, "Große Gemeinschaftsküche für Mittagstisch und Kochkurse."),
    ],
    "stadtteilbuero-lobeda": [
        ("Beratungsraum", 4, ["tische", "stuehle"], True, "Kleiner Raum für vertrauliche Gespräche."),
        ("Besprechungsraum", 12, ["beamer", "flipchart", "wlan"], False, "Im ersten Stock, kein Aufzug."),
    ],
    "stadtteilbuero-winzerla": [
        ("Stadtteilraum", 30, ["beamer", "stuehle", "tische", "wlan"], True, "Für Stadtteilrunden und Versammlungen."),
        ("Werkstatt", 10, ["werkbank"], True, "Werkstatt für Reparaturcafé und Holzarbeiten."),
    ],
    "familienzentrum-winzerla": [
        ("Gymnastikraum", 20, ["matten", "spiegel", "musikanlage"], True, "Für Eltern-Kind-Turnen und Bewegungskurse."),
        ("Spielzimmer", 15, ["kinderecke", "matten"], True, "Mit Spielecke für Krabbelgruppen."),
    ],
    "awo-nord": [
        (
            "Begegnungscafé",
            40,
            ["kueche", "tische", "stuehle", "klavier"],
            True,
            "Café mit Klavier, ideal für Tanznachmittage.",
        ),
        ("Kreativraum", 12, ["tische", "stuehle"], False, "Im Souterrain, drei Stufen."),
    ],
    "volkssolidaritaet-nord": [
        (
            "Clubraum",
            35,
            ["klavier", "tische", "stuehle", "musikanlage"],
            True,
            "Für Seniorentreff, Chor und Spielenachmittage.",
        ),
        ("Kleiner Raum", 8, ["tische", "stuehle"], True, "Für Sprechstunden und kleine Runden."),
    ],
    "drk-west": [
        ("Saal West", 60, ["beamer", "leinwand", "stuehle"], True, "Großer Raum für Vorträge und Erste-Hilfe-Kurse."),
        ("Schulungsraum", 16, ["beamer", "whiteboard", "wlan", "tische"], True, "Mit Schulungstischen."),
    ],
    "caritas-ost": [
        ("Familiencafé", 25, ["kueche", "kinderecke", "tische"], True, "Offenes Café mit Spielecke."),
        ("Gruppenraum Ost", 14, ["flipchart", "tische", "stuehle"], False, "Im ersten Stock."),
    ],
    "diakonie-zentrum": [
        (
            "Saal am Markt",
            100,
            ["beamer", "leinwand", "klavier", "musikanlage", "stuehle"],
            True,
            "Historischer Saal mitten in der Stadt; Aufzug vorhanden.",
        ),
        ("Seminarraum", 20, ["beamer", "whiteboard", "wlan"], True, "Für Seminare und Workshops."),
        ("Musikzimmer", 10, ["klavier", "stuehle"], False, "Mit Flügel; nur über die Treppe erreichbar."),
    ],
}


def load(app) -> int:
    """Create what is missing; returns how many rooms were created."""
    created = 0
    with app.app_context():
        store = app.extensions["identity"]
        with transaction(app.extensions["db"]) as session:
            for slug, rooms in ROOMS.items():
                partner = store.partner_by_slug(slug)
                if partner is None:
                    continue
                existing = set(session.scalars(select(Room.name).where(Room.partner_id == partner["id"])))
                for name, capacity, equipment, step_free, description in rooms:
                    if name in existing:
                        continue
                    create_room(
                        session,
                        partner["id"],
                        name=name,
                        district=partner["district"],
                        address=partner["address"],
                        capacity=capacity,
                        equipment=equipment,
                        step_free=step_free,
                        description=description,
                    )
                    created += 1
    return created
