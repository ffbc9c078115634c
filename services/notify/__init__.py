"""Notify service: queued email and SMS with iTIP invitations; nothing lost, nothing twice."""
from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None):
    """App factory. `config` may carry SETTINGS (a shared.config.Settings), Flask keys and the
    NOTIFY_* keys of services.notify.config (which default from the environment)."""
    from shared.messaging import make_celery
    from shared.web.app import create_base_app

    from services.notify import config as notify_config, tasks, views

    config = {**notify_config.from_env(), **(config or {})}
    app = create_base_app(__name__, "notify", config)
    tasks.register(make_celery(app, "notify"), app)
    views.init_app(app)
    return app
