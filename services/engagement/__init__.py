"""Engagement service (Engagementbörse, issue 17): volunteers find a way to help, partners find
volunteers. The fourth small service beside calendar, rooms and notify: its own database, queue
("engagement") and messages (emails and SMS through notify).

domain/: the rules, pure; exchange/: the use cases, each in one unit of work; db/: tables;
web/: the pages; mails.py: the words of its emails; tasks.py: what its worker runs."""

from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None):
    """App factory. `config` may carry SETTINGS, ENGAGEMENT_SETTINGS and Flask keys."""
    from shared.messaging import make_celery
    from shared.web.app import create_base_app

    from services.engagement import tasks, web
    from services.engagement.settings import EngagementSettings

    config = dict(config or {})
    own = config.pop("ENGAGEMENT_SETTINGS", None) or EngagementSettings.from_env()
    app = create_base_app(__name__, "engagement", config)
    app.config["ENGAGEMENT_SETTINGS"] = own
    tasks.register(make_celery(app, "engagement"), app)
    web.init_app(app)
    return app
