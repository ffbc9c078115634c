"""The account pages: thin views that parse a form, ask the domain's permission, call a use
case and render. Each module is one blueprint under /account/."""

from __future__ import annotations

from flask import Flask

from shared.identity.throttle import reset_throttle_for

from services.accounts.web import admin_accounts, admin_audit, admin_partners, forgot, invite, links, own


def init_app(app: Flask) -> None:
    app.extensions["reset_throttle"] = reset_throttle_for(app.config["SETTINGS"].broker_url)
    for module in (own, invite, links, forgot, admin_accounts, admin_partners, admin_audit):
        app.register_blueprint(module.bp)
