"""Domain error hierarchy and the HTML/JSON error pages."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import NotFound

from .extensions import db

ERROR_PAGES = (400, 403, 404, 405, 413, 429, 500)


class JasperrecError(Exception):
    """Base for errors a service raises on purpose for a view to present."""


class NotFoundError(JasperrecError):
    """The record does not exist, or the actor may not know that it exists."""


def wants_json() -> bool:
    """Tell whether the client prefers JSON over HTML."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(error: HTTPException) -> ResponseReturnValue:
    """Render an HTTP error in the site layout, or as JSON for API clients."""
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    headers = dict(error.get_headers()) if error.response is None else {}
    headers.pop("Content-Type", None)
    if wants_json():
        return {"error": {"status": code, "title": error.name, "detail": error.description}}, code
    template = f"errors/{code}.html" if code in ERROR_PAGES else "errors/generic.html"
    return render_template(template, error=error), code, headers


def register_error_handlers(app: Flask) -> None:
    """Send HTTP errors, CSRF failures and NotFoundError through the shared error pages."""
    for code in ERROR_PAGES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, render_error)
    app.register_error_handler(NotFoundError, lambda _error: render_error(NotFound()))
    app.register_error_handler(InternalServerError, render_error)
