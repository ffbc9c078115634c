"""The partner's side asks one question before anything else: may the person logged in act on
this opportunity's records? The answer comes from domain/permissions.py; an opportunity they
may not see at all is not found (its existence is nobody else's business)."""

from __future__ import annotations

from flask import abort

from shared.auth import current_account
from shared.web.request_db import db

from services.engagement.db import models
from services.engagement.domain import permissions


def opportunity_for(opportunity_id: int, action: str, session=None) -> models.Opportunity:
    row = (session or db()).get(models.Opportunity, opportunity_id)
    if row is None or not permissions.can(action, current_account(), row.partner_id):
        abort(404)
    return row
