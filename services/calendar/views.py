"""HTTP layer of the calendar service."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/")
def index():
    return render_template("calendar/index.html")


def init_app(app) -> None:
    app.register_blueprint(bp)
