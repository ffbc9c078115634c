"""The notify app: the shared base app, notify's settings, its Celery tasks and its pages."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.messaging import make_celery
from shared.web.app import create_base_app

from services.notify import metrics, tasks, views
from services.notify.settings import NotifySettings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """`config` may carry SETTINGS (a shared.config.Settings), NOTIFY_SETTINGS (a NotifySettings;
    both from the environment when missing) and Flask keys."""
    config = dict(config or {})
    if config.get("NOTIFY_SETTINGS") is None:
        config["NOTIFY_SETTINGS"] = NotifySettings.from_env()
    app = create_base_app("services.notify", "notify", config)
    tasks.register(make_celery(app, "notify"), app)
    views.init_app(app)
    metrics.init_app(app)
    return app
