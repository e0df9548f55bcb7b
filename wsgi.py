"""WSGI entry point for gunicorn and other servers."""

from jasperrec import create_app

app = create_app()
