"""The operations' Ctx for a Flask request: settings, partner names, people from identity."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app

from shared.auth import identity

from services.rooms.context import Ctx


def ctx() -> Ctx:
    settings = current_app.config["SETTINGS"]
    store = identity()
    names = {p["id"]: p["name"] for p in store.partners()}
    return Ctx(public_url=settings.public_url, partner_name_of=lambda pid: names.get(pid, ""),
               secret=current_app.config["SECRET_KEY"], tz=ZoneInfo(settings.timezone),
               principal_of=store.principal, staff_of=store.staff_of)
