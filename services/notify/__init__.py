"""Notify service: queued email and SMS with iTIP invitations; nothing lost, nothing twice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The notify app (services/notify/app.py); gunicorn serves `services.notify:create_app()`.
    Imported on call: `treffpunkt migrate` and `make run` import this package for MIGRATIONS
    only, and should not load the whole service (Flask, Celery, the templates) for that."""
    from services.notify.app import create_app as build

    return build(config)
