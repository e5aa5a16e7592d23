"""The WSGI entry point for gunicorn: ``gunicorn -k gthread wsgi:app``."""

from civic import create_app

app = create_app()
