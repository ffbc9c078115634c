"""Celery entry point: `celery -A services.rooms.worker worker -Q rooms`."""

from services.rooms import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
