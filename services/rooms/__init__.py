"""Rooms service (Raumbörse): rooms, bookings and their occurrences, conflict-checked.

domain/: the rules, pure; booking/: the use cases; db/: tables and queries; web/: the pages;
api/: the JSON API; answers.py: errors as answers for both; wording.py: the words."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None):
    """App factory. `config` may carry SETTINGS (a shared.config.Settings) and Flask keys.
    Imports here: migrations and tools import this package for MIGRATIONS without Flask."""
    from shared.messaging import make_celery
    from shared.web.app import create_base_app

    from services.rooms import api, tasks, web

    app = create_base_app(__name__, "rooms", config)
    tasks.register(make_celery(app, "rooms"), app)
    web.init_app(app)
    api.init_app(app)
    return app
