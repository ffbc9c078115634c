"""The account pages: thin views that parse a form, ask the domain's permission, call a use
case and render. Each module is one blueprint under /account/."""

from __future__ import annotations

from flask import Flask

from shared.identity.throttle import code_throttle_for, reset_throttle_for

from services.accounts import settings
from services.accounts.sealing import Sealer
from services.accounts.web import (
    admin_accounts,
    admin_audit,
    admin_partners,
    admin_vocabulary,
    forgot,
    invite,
    links,
    login_code,
    own,
    privacy,
    second_factor,
)


def init_app(app: Flask) -> None:
    app.extensions["reset_throttle"] = reset_throttle_for(app.config["SETTINGS"].broker_url)
    app.extensions["code_throttle"] = code_throttle_for(app.config["SETTINGS"].broker_url)
    app.extensions["second_factor_sealer"] = Sealer(settings.of(app).second_factor_key, app.config["SECRET_KEY"])
    modules = (
        own,
        invite,
        links,
        forgot,
        second_factor,
        login_code,
        admin_accounts,
        admin_partners,
        admin_vocabulary,
        admin_audit,
        privacy,
    )
    for module in modules:
        app.register_blueprint(module.bp)
