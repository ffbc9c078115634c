"""The account app: the shared base app (on the identity database, see Settings.database_url),
its settings, the outbox's tasks and its pages under /account/."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.messaging import make_celery
from shared.web.app import create_base_app

from services.accounts import tasks, web
from services.accounts.settings import AccountSettings

PREFIX = "account"  # the address (/account/…); the queue and package are "accounts"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """`config` may carry SETTINGS, ACCOUNT_SETTINGS (both from the environment when missing)
    and Flask keys."""
    config = dict(config or {})
    if config.get("ACCOUNT_SETTINGS") is None:
        config["ACCOUNT_SETTINGS"] = AccountSettings.from_env()
    app = create_base_app("services.accounts", PREFIX, config)
    tasks.register(make_celery(app, "accounts"), app)
    web.init_app(app)
    return app
