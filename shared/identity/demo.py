"""Demo partners and accounts for Jena (demo mode only: these have known passwords)."""

from __future__ import annotations

from shared.identity.store import IdentityStore

# slug, name, district, address
PARTNERS = (
    ("mgh-lobeda", "Mehrgenerationenhaus Lobeda", "Lobeda", "Karl-Marx-Allee 28, 07747 Jena"),
    ("stadtteilbuero-lobeda", "Stadtteilbüro Lobeda", "Lobeda", "Erlanger Allee 101, 07747 Jena"),
    ("stadtteilbuero-winzerla", "Stadtteilbüro Winzerla", "Winzerla", "Anna-Siemsen-Straße 1, 07745 Jena"),
    ("familienzentrum-winzerla", "Familienzentrum Winzerla", "Winzerla", "Oßmaritzer Straße 13, 07745 Jena"),
    ("awo-nord", "AWO Begegnungsstätte Nord", "Nord", "Dornburger Straße 24, 07743 Jena"),
    ("volkssolidaritaet-nord", "Volkssolidarität Seniorentreff Nord", "Nord", "Naumburger Straße 66, 07743 Jena"),
    ("drk-west", "DRK Generationentreff West", "West", "Westbahnhofstraße 8, 07745 Jena"),
    ("caritas-ost", "Caritas Familientreff Ost", "Ost", "Karl-Liebknecht-Straße 52, 07749 Jena"),
    ("diakonie-zentrum", "Diakonie Treffpunkt am Markt", "Zentrum", "Markt 10, 07743 Jena"),
    ("koordination", "Koordinierungsstelle Treffpunkt Generationen", "Zentrum", "Löbdergraben 12, 07743 Jena"),
)

DEMO_PASSWORD = "demo"


def load(store: IdentityStore) -> list[str]:
    """Create what is missing; returns the login lines to print."""
    existing = {p["slug"] for p in store.partners()}
    for slug, name, district, address in PARTNERS:
        if slug not in existing:
            store.create_partner(slug, name, district, address, contact_email=f"{slug}@example.org")
    accounts = [
        # username, display name, partner, role
        ("demo", "Dana Demo", "mgh-lobeda", "staff"),
        ("koordination", "Kora Koordination", "koordination", "coordination"),
    ] + [
        (slug, f"Team {name}", slug, "staff")
        for slug, name, *_ in PARTNERS
        if slug not in ("mgh-lobeda", "koordination")
    ]
    for username, display, partner, role in accounts:
        if store.principal_by_username(username) is None:
            store.create_account(
                username,
                display,
                partner_slug=partner,
                role=role,
                email=f"{username}@example.org",
                phone="+49 3641 123456",
                password=DEMO_PASSWORD,
            )
            store.create_app_password(username, "demo", DEMO_PASSWORD)
    return [
        "Demo-Anmeldungen (Web, CalDAV und API; Passwort jeweils 'demo'):",
        "  demo          Partner-Mitarbeiterin, Mehrgenerationenhaus Lobeda",
        "  koordination  Koordinierungsstelle (sieht alles, auch /notify/)",
        "  <partner>     je Partner ein Konto, z. B. stadtteilbuero-winzerla, awo-nord",
    ]
