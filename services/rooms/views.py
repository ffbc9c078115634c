"""HTTP layer of the rooms service."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("rooms", __name__, url_prefix="/rooms")


@bp.get("/")
def index():
    return render_template("rooms/index.html")


def init_app(app) -> None:
    app.register_blueprint(bp)
