"""Calendar service: partners' calendars over CalDAV, room calendars, public iCal feeds."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None):
    """App factory. `config` may carry SETTINGS (a shared.config.Settings) and Flask keys.
    Its imports stay inside: `import services.calendar` (the CLI's migrations, MIGRATIONS above)
    must not load Flask, Celery and every layer."""
    from shared.messaging import make_celery
    from shared.web.app import create_base_app

    from services.calendar import tasks, web

    app = create_base_app(__name__, "calendar", config)
    tasks.register(make_celery(app, "calendar"), app)
    web.init_app(app)
    return app
