"""Celery entry point: `celery -A services.notify.worker worker -Q notify`."""
from services.notify import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
