"""Celery entry point: `celery -A services.engagement.worker worker -Q engagement`."""

from services.engagement import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
