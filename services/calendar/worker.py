"""Celery entry point: `celery -A services.calendar.worker worker -Q calendar`."""

from services.calendar import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
