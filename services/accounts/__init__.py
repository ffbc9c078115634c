"""Account pages (/account/): invitations, "Passwort vergessen", one's own account. Identity
itself lives in shared/identity (its own database); this service changes it through pages and
mails through notify. No migrations of its own: its tables are identity's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """gunicorn serves `services.accounts:create_app()`; imported on call, like notify's."""
    from services.accounts.app import create_app as build

    return build(config)
