"""HTTP layer of the notify service."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("notify", __name__, url_prefix="/notify")


@bp.get("/")
def index():
    return render_template("notify/index.html")


def init_app(app) -> None:
    app.register_blueprint(bp)
