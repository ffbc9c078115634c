"""The use cases' Ctx for a request or a task."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app

from shared.clock import utcnow

from services.engagement import settings as own
from services.engagement.domain.retention import Policy
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
        confirm_within=timedelta(days=settings.engagement_confirm_days),
        retention=Policy(
            months_after_last_commitment=settings.engagement_keep_months,
            months_after_application_closed=settings.engagement_keep_closed_months,
        ),
    )


def ctx() -> Ctx:
    return ctx_of(current_app)
