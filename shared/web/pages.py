"""The pages every service has under its own prefix — log in, log out, choose a language, the
Impressum and the Datenschutzerklärung (linked from every page's footer) — and
the shared templates (base.html, error.html) and static files. The blueprint is called "web":
templates link to `web.login`, `web.set_language`, …"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from werkzeug.wrappers import Response

from shared.auth import login_required
from shared.identity.models import LANGUAGES
from shared.web import language as languages, legal
from shared.web.login import login_view, logout_view

SHARED = Path(__file__).resolve().parent.parent


def blueprint(service: str) -> Blueprint:
    bp = Blueprint(
        "web",
        __name__,
        template_folder=str(SHARED / "templates"),
        static_folder=str(SHARED / "static"),
        static_url_path=f"/{service}/static/shared",
    )
    bp.add_url_rule(f"/{service}/login", "login", lambda: login_view(service), methods=["GET", "POST"])
    bp.add_url_rule(f"/{service}/logout", "logout", logout_view, methods=["POST"])
    bp.add_url_rule(f"/{service}/impressum", "imprint", legal.imprint)
    bp.add_url_rule(f"/{service}/datenschutz", "privacy", legal.privacy)
    choice = f"/{service}/language/<any({', '.join(LANGUAGES)}):language>"

    @bp.get(choice)
    def set_language(language: str) -> Response:
        return languages.remember_choice(service, language)

    @bp.post(choice)
    @login_required
    def set_account_language(language: str) -> Response:
        return languages.set_account_language(service, language)

    return bp
