"""Who changed what: the audit log as far as the caller may see it."""

from __future__ import annotations

from flask import g

from shared.web.request_db import db

from services.rooms.api.blueprint import blp
from services.rooms.api.schemas import AuditOut
from services.rooms.db import queries


@blp.get("/audit")
@blp.response(200, AuditOut(many=True))
def audit():
    """Changes to the caller's bookings and rooms (everything for the coordination office)."""
    return queries.audit_for(db(), g.account)
