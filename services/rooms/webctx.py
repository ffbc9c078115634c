"""The operations' Ctx for a Flask request: settings, partner names, people from identity."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from shared.identity.models import Account
from shared.web import identity

from services.rooms.context import Ctx


def staff_of(partner_id: int) -> list:
    """Active accounts of a partner (the room owner's staff get approval requests).
    IdentityStore has no such query yet; read through its own session factory."""
    store = identity()
    with store._factory() as s:
        ids = list(s.scalars(select(Account.id).where(Account.partner_id == partner_id, Account.active)))
    return [p for p in (store.principal(i) for i in ids) if p is not None]


def ctx() -> Ctx:
    settings = current_app.config["SETTINGS"]
    names = {p["id"]: p["name"] for p in identity().partners()}
    return Ctx(public_url=settings.public_url, partner_name_of=lambda pid: names.get(pid, ""),
               secret=current_app.config["SECRET_KEY"], tz=ZoneInfo(settings.timezone),
               principal_of=identity().principal, staff_of=staff_of)
