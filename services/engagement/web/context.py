"""The use cases' Ctx for a request or a task."""

from __future__ import annotations

from flask import Flask, current_app

from shared.clock import utcnow

from services.engagement import settings as own
from services.engagement.exchange.context import Ctx


def ctx_of(app: Flask) -> Ctx:
    settings = app.config["SETTINGS"]
    names = {p["id"]: p["name"] for p in app.extensions["identity"].partners()}
    return Ctx(
        now=utcnow(),
        secret=app.config["SECRET_KEY"],
        public_url=settings.public_url,
        settings=own.of(app),
        partner_name_of=lambda pid: names.get(pid, ""),
    )


def ctx() -> Ctx:
    return ctx_of(current_app)
