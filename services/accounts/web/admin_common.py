"""What every administration page shares: the office's permission, asked before anything else,
and a refusal of a use case shown at its field."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app
from flask_wtf import FlaskForm

from shared.auth import current_account
from shared.db import SessionFactory
from shared.identity.store import Principal

from services.accounts.domain.permissions import Actor
from services.accounts.errors import Refused
from services.accounts.invitation import actor_of
from services.accounts.web.wording import REFUSALS

NO_STORE = {"Cache-Control": "no-store"}  # personal data: never kept by a browser or proxy


def office(rule: Callable[[Actor | None], bool]) -> Principal:
    """The logged-in account, when `rule` allows it; else 403."""
    me = current_account()
    if me is None or not rule(actor_of(me)):
        abort(403)
    return me


def db() -> SessionFactory:
    factory: SessionFactory = current_app.extensions["db"]
    return factory


def show_refusal(form: FlaskForm, refused: Refused, fallback: str) -> int:
    """Put the refusal's words at its field (or `fallback`); returns the status to answer with."""
    getattr(form, refused.field or fallback).errors.append(REFUSALS[refused.code])
    if refused.code == "not_allowed":
        return 403
    return 404 if refused.code.startswith("unknown_") else 409
