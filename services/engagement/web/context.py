"""The use cases' Ctx for a request or a task, and the network's partners as a page needs them:
read from identity once per request (a page asks for both, often more than once)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g

from shared.clock import utcnow
from shared.identity.store import PartnerInfo

from services.engagement import settings as own
from services.engagement.domain.retention import Policy
from services.engagement.exchange.context import Ctx


def ctx_of(app: Flask, partners: list[PartnerInfo] | None = None) -> Ctx:
    settings = app.config["SETTINGS"]
    listed = app.extensions["identity"].partners() if partners is None else partners
    names = {p["id"]: p["name"] for p in listed}
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


def partners() -> list[PartnerInfo]:
    """Every partner of the network, once per request."""
    if "engagement_partners" not in g:
        g.engagement_partners = current_app.extensions["identity"].partners()
    listed: list[PartnerInfo] = g.engagement_partners
    return listed


def partner_names() -> dict[int, str]:
    return {p["id"]: p["name"] for p in partners()}


def ctx() -> Ctx:
    """The request's Ctx: one moment for the whole request."""
    if "engagement_ctx" not in g:
        g.engagement_ctx = ctx_of(current_app, partners())
    found: Ctx = g.engagement_ctx
    return found
