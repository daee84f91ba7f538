"""WSGI entry point: `flask --app app run` or `gunicorn app:app`."""
from graded_exposure import create_app

app = create_app()
